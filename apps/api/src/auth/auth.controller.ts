import { Body, Controller, ForbiddenException, Get, HttpCode, HttpStatus, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiForbiddenResponse, ApiBadRequestResponse } from '@nestjs/swagger';
import { UserDirectory } from '@suivi/access';
import { Autorise, Public } from '../acces/acces.decorators';
import type { RequeteAuthentifiee } from '../acces/appelant';
import { Jetons } from '../acces/jetons';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { ErreurApi } from '../errors/api-error';
import { ConnexionDto, JetonVue, MoiVue } from './auth.dto';

@ApiTags('connexion')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly utilisateurs: UserDirectory,
    private readonly jetons: Jetons,
  ) {}

  @Post('connexion')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Se connecter : échange un identifiant et un mot de passe contre un jeton à courte durée de vie' })
  @ApiOkResponse({ type: JetonVue })
  @ApiBadRequestResponse({ type: ErreurApi, description: 'Identifiant ou mot de passe absent.' })
  @ApiUnauthorizedResponse({ type: ErreurApi, description: 'IDENTIFIANTS_INVALIDES : identifiant inconnu ou mot de passe faux (sans dire lequel).' })
  @ApiForbiddenResponse({ type: ErreurApi, description: 'UTILISATEUR_DESACTIVE : le compte est désactivé.' })
  async connexion(@Body() dto: ConnexionDto): Promise<JetonVue> {
    const resultat = await this.utilisateurs.authentifier(dto.identifiant, dto.motDePasse);
    if (resultat.ok) return this.jetons.emettre(resultat.utilisateur);
    if (resultat.raison === 'desactive') {
      throw new ForbiddenException({ code: 'UTILISATEUR_DESACTIVE', message: 'Votre compte est désactivé : adressez-vous à un administrateur de suivi-clauses.' });
    }
    throw new UnauthorizedException({ code: 'IDENTIFIANTS_INVALIDES', message: 'Identifiant ou mot de passe incorrect : vérifiez-les (majuscules, clavier) et réessayez.' });
  }

  @Get('moi')
  @Autorise('connecte')
  @ApiOperation({ summary: 'Qui suis-je : mon rôle, mon périmètre, ce que je vois des personnes' })
  @ApiOkResponse({ type: MoiVue })
  moi(@Req() request: RequeteAuthentifiee, @PorteeDeLAppelant() portee: Portee): MoiVue {
    const appelant = request.appelant!;
    return { ...appelant, voitIdentites: portee.voitIdentites, seuilSecretStatistique: portee.seuilSecretStatistique };
  }
}

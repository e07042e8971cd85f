import { Body, Controller, ForbiddenException, Get, HttpCode, HttpStatus, Post, Put, Req, UnauthorizedException, UnprocessableEntityException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiForbiddenResponse, ApiBadRequestResponse } from '@nestjs/swagger';
import { UserDirectory, type Utilisateur } from '@suivi/access';
import type { CommandContext } from '@suivi/commands';
import { Autorise, Public } from '../acces/acces.decorators';
import type { RequeteAuthentifiee } from '../acces/appelant';
import { Jetons } from '../acces/jetons';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { LimiteeCommeConnexion } from '../defenses/limites';
import { ErreurApi } from '../errors/api-error';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { ChangerMonMotDePasseDto } from '../utilisateurs/utilisateurs.dto';
import { resultat } from '../write-side/write-result';
import { ConnexionDto, JetonVue, MoiVue, MotDePasseChangeVue } from './auth.dto';

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

  @Put('mot-de-passe')
  @Autorise('connecte')
  @LimiteeCommeConnexion()
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Changer mon mot de passe : les sessions ouvertes avec l’ancien prennent fin, la réponse porte un nouveau jeton' })
  @ApiOkResponse({ type: MotDePasseChangeVue })
  async changerMotDePasse(@Body() dto: ChangerMonMotDePasseDto, @Req() request: RequeteAuthentifiee, @Contexte() context: CommandContext): Promise<MotDePasseChangeVue> {
    const appelant = request.appelant!;
    const verifie = await this.utilisateurs.authentifier(appelant.identifiant, dto.motDePasseActuel);
    if (!verifie.ok) {
      throw new UnprocessableEntityException({ code: 'MOT_DE_PASSE_ACTUEL_INCORRECT', message: 'Le mot de passe actuel est incorrect : ressaisissez-le.', details: { champ: 'motDePasseActuel' } });
    }
    const result = await this.utilisateurs.modifierMotDePasse(appelant.utilisateurId, dto.nouveauMotDePasse, context);
    return { ...resultat(appelant.utilisateurId, result), ...(await this.jetons.emettre(result.state as Utilisateur)) };
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

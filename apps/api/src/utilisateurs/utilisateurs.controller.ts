import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserDirectory } from '@suivi/access';
import type { CommandContext } from '@suivi/commands';
import { Autorise } from '../acces/acces.decorators';
import { LectureDto } from '../read-side/read-query.dto';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { resultat, ResultatEcriture } from '../write-side/write-result';
import { CreerUtilisateurDto, ListeUtilisateursDto, ListeUtilisateursVue, ModifierMotDePasseDto, ModifierRoleDto, UtilisateurVue } from './utilisateurs.dto';
import { UtilisateursLus } from './utilisateurs.queries';

/** Admins manage users; every change is an event of the user's stream, signed by the admin. */
@ApiTags('utilisateurs')
@Controller('utilisateurs')
export class UtilisateursController {
  constructor(
    private readonly annuaire: UserDirectory,
    private readonly lus: UtilisateursLus,
  ) {}

  @Post()
  @Autorise('gererUtilisateurs')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Créer un utilisateur avec son rôle (un acheteur avec son donneur d’ordre)' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  async creer(@Body() dto: CreerUtilisateurDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    const created = await this.annuaire.creer({ ...dto, donneurOrdreId: dto.donneurOrdreId ?? null }, context);
    return resultat(created.utilisateurId, created);
  }

  @Get()
  @Autorise('gererUtilisateurs')
  @ApiOperation({ summary: 'Les utilisateurs, par identifiant, filtrés par rôle ou état' })
  @ApiOkResponse({ type: ListeUtilisateursVue })
  lister(@Query() dto: ListeUtilisateursDto): Promise<ListeUtilisateursVue> {
    return this.lus.lister(dto);
  }

  @Get(':id')
  @Autorise('gererUtilisateurs')
  @ApiOperation({ summary: 'Un utilisateur : rôle, état, qui l’a créé et modifié en dernier' })
  @ApiOkResponse({ type: UtilisateurVue })
  lire(@Param('id', uuidPipe) id: string, @Query() dto: LectureDto): Promise<UtilisateurVue> {
    return this.lus.lire(id, dto.apres);
  }

  @Put(':id/role')
  @Autorise('gererUtilisateurs')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Changer le rôle d’un utilisateur (effet à sa prochaine requête)' })
  @ApiOkResponse({ type: ResultatEcriture })
  async changerRole(@Param('id', uuidPipe) id: string, @Body() dto: ModifierRoleDto, @Contexte() context: CommandContext) {
    return resultat(id, await this.annuaire.modifierRole(id, dto.role, dto.donneurOrdreId ?? null, context));
  }

  @Put(':id/mot-de-passe')
  @Autorise('gererUtilisateurs')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Donner un nouveau mot de passe à un utilisateur (oubli) : ses sessions ouvertes prennent fin' })
  @ApiOkResponse({ type: ResultatEcriture })
  async changerMotDePasse(@Param('id', uuidPipe) id: string, @Body() dto: ModifierMotDePasseDto, @Contexte() context: CommandContext) {
    return resultat(id, await this.annuaire.modifierMotDePasse(id, dto.motDePasse, context));
  }

  @Post(':id/desactivation')
  @Autorise('gererUtilisateurs')
  @HttpCode(HttpStatus.CREATED)
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Désactiver un utilisateur : il ne peut plus se connecter, ses jetons cessent de fonctionner' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  async desactiver(@Param('id', uuidPipe) id: string, @Contexte() context: CommandContext) {
    return resultat(id, await this.annuaire.desactiver(id, context));
  }

  @Post(':id/reactivation')
  @Autorise('gererUtilisateurs')
  @HttpCode(HttpStatus.CREATED)
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Réactiver un utilisateur désactivé' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  async reactiver(@Param('id', uuidPipe) id: string, @Contexte() context: CommandContext) {
    return resultat(id, await this.annuaire.reactiver(id, context));
  }
}

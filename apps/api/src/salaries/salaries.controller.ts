import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { EnregistrerSalarieDto, SalarieVue, ValiderEligibiliteDto, EffacerSalarieDto, ListeSalariesDto, ListeSalariesVue } from './salaries.dto';
import { SalariesLus } from './salaries.queries';
import { EnregistrerSalarieCommand, LireSalarie, ValiderEligibiliteCommand, EffacerSalarieCommand } from './salaries.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';

@ApiTags('salariés')
@Controller('salaries')
export class SalariesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly lus: SalariesLus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Enregistrer une personne (données personnelles protégées)' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  enregistrer(@Body() dto: EnregistrerSalarieDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new EnregistrerSalarieCommand(dto, context));
  }

  @Post(':id/eligibilites')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Valider l'éligibilité de la personne (critères, date ; validée par l'appelant)" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  validerEligibilite(@Param('id', uuidPipe) id: string, @Body() dto: ValiderEligibiliteDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new ValiderEligibiliteCommand(id, dto, context));
  }

  @Post(':id/effacement')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({
    summary: "Effacer l'identité de la personne (RGPD) : sa clé est détruite, son identité se lit null partout, ses chiffres restent identiques",
    description:
      "Enregistre SalarieEfface (motif seulement, sans donnée personnelle) puis détruit la clé qui chiffre son identité dans le journal. Ensuite, plus rien ne peut être enregistré pour elle (422 SALARIE_EFFACE). Rejouer la demande n'enregistre rien de plus.",
  })
  @ApiCreatedResponse({ type: ResultatEcriture })
  effacer(@Param('id', uuidPipe) id: string, @Body() dto: EffacerSalarieDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new EffacerSalarieCommand(id, dto, context));
  }

  @Get()
  @Autorise('lirePersonnes')
  @ApiOperation({
    summary: 'Les personnes, cherchées par nom (accents et casse indifférents), avec leurs placements en cours',
    description:
      "Depuis l'annuaire (noms déchiffrés, vidés par un effacement). La recherche par nom (q) est réservée à qui voit les identités : 403 RECHERCHE_NOMINATIVE_REFUSEE sinon ; sans q, la liste sans nom ni prénom.",
  })
  @ApiOkResponse({ type: ListeSalariesVue })
  lister(@Query() dto: ListeSalariesDto, @PorteeDeLAppelant() portee: Portee): Promise<ListeSalariesVue> {
    return this.lus.lister(dto, portee);
  }

  @Get(':id')
  @Autorise('lirePersonnes')
  @ApiOperation({
    summary: 'Une personne, reconstruite depuis son flux',
    description: "Nom, prénom, date de naissance et adresse pour qui voit les identités (facilitatrice ; administrateur si ADMIN_SEES_IDENTITIES=true), null pour les autres (identiteVisible: false).",
  })
  @ApiOkResponse({ type: SalarieVue })
  lire(@Param('id', uuidPipe) id: string, @PorteeDeLAppelant() portee: Portee): Promise<SalarieVue> {
    return this.queries.execute(new LireSalarie(id, portee));
  }
}

import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import { DeclarerHeuresDto, DemarrerPlacementDto, ListePlacementsDto, ListePlacementsVue, PlacementVue, TerminerPlacementDto } from './placements.dto';
import { PlacementsLus } from './placements.queries';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { DeclarerHeuresCommand, DemarrerPlacementCommand, LirePlacement, TerminerPlacementCommand } from './placements.handlers';
import { Autorise } from '../acces/acces.decorators';

@ApiTags('placements')
@Controller('placements')
export class PlacementsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly lus: PlacementsLus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Démarrer un placement : une personne éligible travaille sur un marché pour une entreprise" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  demarrer(@Body() dto: DemarrerPlacementDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new DemarrerPlacementCommand(dto, context));
  }

  @Post(':id/heures')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Déclarer les heures d’un mois ; la réponse porte l’identifiant de la déclaration' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  declarer(@Param('id', uuidPipe) id: string, @Body() dto: DeclarerHeuresDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new DeclarerHeuresCommand(id, dto, context));
  }

  @Post(':id/fin')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Terminer le placement par une sortie (positive ou non, dérivé par le serveur)' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  terminer(@Param('id', uuidPipe) id: string, @Body() dto: TerminerPlacementDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new TerminerPlacementCommand(id, dto, context));
  }

  @Get()
  @Autorise('lirePersonnes')
  @ApiOperation({ summary: 'Les placements, filtrés par marché, personne, entreprise, en cours ou terminés (sans identité)' })
  @ApiOkResponse({ type: ListePlacementsVue })
  lister(@Query() dto: ListePlacementsDto, @PorteeDeLAppelant() portee: Portee): Promise<ListePlacementsVue> {
    return this.lus.lister(dto, portee);
  }

  @Get(':id')
  @Autorise('lirePersonnes')
  @ApiOperation({ summary: 'Un placement avec ses déclarations et leurs corrections' })
  @ApiOkResponse({ type: PlacementVue })
  lire(@Param('id', uuidPipe) id: string): Promise<PlacementVue> {
    return this.queries.execute(new LirePlacement(id));
  }
}

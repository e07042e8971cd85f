import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@suivi/commands';
import { Contexte } from '../request-context/request-context';
import { EcritureDocumentee } from '../request-context/write-docs';
import { uuidPipe } from '../validation/uuid.pipe';
import { ResultatEcriture } from '../write-side/write-result';
import {
  AttribuerMarcheDto,
  CloturerMarcheDto,
  ConclureAvenantDto,
  EnregistrerMarcheDto,
  MarcheVue,
  SuiviRegionalDto,
} from './marches.dto';
import { EnregistrerMarcheCommand, LireMarche, ModifierMarcheCommand } from './marches.handlers';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';

@ApiTags('marchés')
@Controller('marches')
export class MarchesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Enregistrer un marché (ou un lot) portant une clause sociale' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  enregistrer(@Body() dto: EnregistrerMarcheDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new EnregistrerMarcheCommand(dto, context));
  }

  @Post(':id/attributions')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Attribuer le marché à une entreprise (titulaire, cotraitant, soustraitant)' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  attribuer(@Param('id', uuidPipe) id: string, @Body() dto: AttribuerMarcheDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new ModifierMarcheCommand(id, { type: 'attribution', dto }, context));
  }

  @Post(':id/avenants')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Conclure un avenant : nouvelles heures prévues et/ou nouvelle date de fin' })
  @ApiCreatedResponse({ type: ResultatEcriture })
  avenant(@Param('id', uuidPipe) id: string, @Body() dto: ConclureAvenantDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new ModifierMarcheCommand(id, { type: 'avenant', dto }, context));
  }

  @Put(':id/suivi-regional')
  @Autorise('ecrire')
  @HttpCode(HttpStatus.OK)
  @EcritureDocumentee()
  @ApiOperation({ summary: 'Suivi (ou non) du marché par la coordination régionale' })
  @ApiOkResponse({ type: ResultatEcriture })
  suiviRegional(@Param('id', uuidPipe) id: string, @Body() dto: SuiviRegionalDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new ModifierMarcheCommand(id, { type: 'suivi', dto }, context));
  }

  @Post(':id/cloture')
  @Autorise('ecrire')
  @EcritureDocumentee()
  @ApiOperation({ summary: "Clôturer le marché : il ne prend plus d'heures" })
  @ApiCreatedResponse({ type: ResultatEcriture })
  cloturer(@Param('id', uuidPipe) id: string, @Body() dto: CloturerMarcheDto, @Contexte() context: CommandContext): Promise<ResultatEcriture> {
    return this.commands.execute(new ModifierMarcheCommand(id, { type: 'cloture', dto }, context));
  }

  @Get(':id')
  @Autorise('lireMarches')
  @ApiOperation({ summary: 'Un marché, reconstruit depuis son flux (heures prévues après avenants, statut)' })
  @ApiOkResponse({ type: MarcheVue })
  lire(@Param('id', uuidPipe) id: string, @PorteeDeLAppelant() portee: Portee): Promise<MarcheVue> {
    return this.queries.execute(new LireMarche(id, portee));
  }
}

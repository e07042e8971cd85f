import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Autorise } from '../acces/acces.decorators';
import { PorteeDeLAppelant, type Portee } from '../acces/portee';
import { uuidPipe } from '../validation/uuid.pipe';
import { EtatDto, EtatVue, FluxDto, JournalDto, ListeEvenementsVue } from './audit-journal.dto';
import { AuditJournal, TYPES_AGREGATS } from './audit-journal.service';

@ApiTags('audit')
@Controller('audit')
export class AuditJournalController {
  constructor(private readonly journal: AuditJournal) {}

  @Get('flux/:streamId')
  @Autorise('auditer')
  @ApiParam({ name: 'streamId', example: 'marche-3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11', description: 'Le flux : <type>-<identifiant>.' })
  @ApiOperation({ summary: "Les événements d'un flux, dans l'ordre, avec leurs métadonnées (qui, quand, corrélation, causalité)" })
  @ApiOkResponse({ type: ListeEvenementsVue })
  flux(@Param('streamId') streamId: string, @Query() dto: FluxDto, @PorteeDeLAppelant() portee: Portee) {
    return this.journal.flux(streamId, dto, portee);
  }

  @Get('journal')
  @Autorise('auditer')
  @ApiOperation({ summary: 'Le journal global, filtré par période d’enregistrement et par auteur, dans l’ordre du journal' })
  @ApiOkResponse({ type: ListeEvenementsVue })
  lireJournal(@Query() dto: JournalDto, @PorteeDeLAppelant() portee: Portee): Promise<ListeEvenementsVue> {
    return this.journal.journal(dto, portee);
  }

  @Get('etat/:type/:id')
  @Autorise('auditer')
  @ApiParam({ name: 'type', enum: TYPES_AGREGATS })
  @ApiOperation({
    summary: "L'état d'un agrégat tel qu'il était connu à un instant : ses seuls événements enregistrés jusque-là, rejoués",
    description: "Lecture du flux de l'agrégat puis repli des événements dont recordedAt ≤ date : le coût est celui de la lecture d'un flux, quelle que soit la taille du journal.",
  })
  @ApiOkResponse({ type: EtatVue })
  etat(@Param('type') type: string, @Param('id', uuidPipe) id: string, @Query() dto: EtatDto, @PorteeDeLAppelant() portee: Portee): Promise<EtatVue> {
    return this.journal.etat(type, id, dto.date, portee);
  }
}

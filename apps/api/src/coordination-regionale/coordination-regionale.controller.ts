import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PeriodeEtDateDto } from '../read-side/read-query.dto';
import {
  CalculerIndicateursCoordination,
  ListerMarchesSuivis,
  MarchesSuivisDto,
  type IndicateursCoordinationVue,
  type MarchesSuivisVue,
} from './coordination-regionale.handlers';
import { Autorise } from '../acces/acces.decorators';
import { groupesCoordination } from '../secret-statistique/groupes';
import { SecretStatistique } from '../secret-statistique/secret-statistique.decorator';

/** The regional coordination's view: its own projection, only the marchés it follows now, no person. */
@ApiTags('coordination régionale')
@Controller('coordination-regionale')
export class CoordinationRegionaleController {
  constructor(private readonly queries: QueryBus) {}

  @Get('marches')
  @Autorise('lireCoordination')
  @ApiOperation({ summary: 'Les marchés suivis par la coordination régionale, avec leur avancement et leur statut à la date' })
  @SecretStatistique(groupesCoordination, [])
  @ApiOkResponse({ schema: { example: { items: [{ id: '…', donneurOrdreNom: 'Région Bourgogne-Franche-Comté', statut: 'conforme' }], total: 23 } } })
  marches(@Query() dto: MarchesSuivisDto): Promise<MarchesSuivisVue> {
    return this.queries.execute(new ListerMarchesSuivis(dto));
  }

  @Get('indicateurs')
  @Autorise('lireCoordination')
  @ApiOperation({ summary: 'Les totaux de la coordination : heures de la période (annee ou du/au) et statuts à la date, sur ses marchés suivis' })
  @SecretStatistique(groupesCoordination, [])
  indicateurs(@Query() dto: PeriodeEtDateDto): Promise<IndicateursCoordinationVue> {
    return this.queries.execute(new CalculerIndicateursCoordination(dto));
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { type IQueryHandler, Query as CqrsQuery, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags, IntersectionType } from '@nestjs/swagger';
import { indicateursCoordination, marchesSuivis, type IndicateursCoordination, type MarcheSuivi } from '@suivi/projections';
import { PaginationDto, paginer } from '../read-side/pagination';
import { ProjectionReader } from '../read-side/projection-reader';
import { DateDto, periodeDe, PeriodeEtDateDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';

const PROJECTION = 'coordination-regionale';

export interface MarchesSuivisVue {
  items: Array<MarcheSuivi & { id: string }>;
  total: number;
  page: number;
  taillePage: number;
  date: string;
  fraicheur: Fraicheur;
}

export class MarchesSuivisDto extends IntersectionType(DateDto, PaginationDto) {}

export class ListerMarchesSuivis extends CqrsQuery<MarchesSuivisVue> {
  constructor(readonly dto: MarchesSuivisDto) {
    super();
  }
}

@QueryHandler(ListerMarchesSuivis)
export class ListerMarchesSuivisHandler implements IQueryHandler<ListerMarchesSuivis, MarchesSuivisVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto }: ListerMarchesSuivis): Promise<MarchesSuivisVue> {
    const fraicheur = await this.reader.prepare(PROJECTION, dto.apres);
    const date = dto.date ?? this.reader.today();
    const suivis = (await marchesSuivis(this.reader.dataSource.manager, date, this.reader.tolerance)).map((m) => ({ id: m.marcheId, ...m }));
    return { ...paginer(suivis, dto), date, fraicheur };
  }
}

export type IndicateursCoordinationVue = IndicateursCoordination & { date: string; du?: string; au?: string; fraicheur: Fraicheur };

export class CalculerIndicateursCoordination extends CqrsQuery<IndicateursCoordinationVue> {
  constructor(readonly dto: PeriodeEtDateDto) {
    super();
  }
}

@QueryHandler(CalculerIndicateursCoordination)
export class CalculerIndicateursCoordinationHandler implements IQueryHandler<CalculerIndicateursCoordination, IndicateursCoordinationVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto }: CalculerIndicateursCoordination): Promise<IndicateursCoordinationVue> {
    const fraicheur = await this.reader.prepare(PROJECTION, dto.apres);
    const date = dto.date ?? this.reader.today();
    const periode = periodeDe(dto);
    const indicateurs = await indicateursCoordination(this.reader.dataSource.manager, periode, date, this.reader.tolerance);
    return { ...indicateurs, date, ...periode, fraicheur };
  }
}

/** The regional coordination's view: its own projection, only the marchés it follows now, no person. */
@ApiTags('coordination régionale')
@Controller('coordination-regionale')
export class CoordinationRegionaleController {
  constructor(private readonly queries: QueryBus) {}

  @Get('marches')
  @ApiOperation({ summary: 'Les marchés suivis par la coordination régionale, avec leur avancement et leur statut à la date' })
  @ApiOkResponse({ schema: { example: { items: [{ id: '…', donneurOrdreNom: 'Région Bourgogne-Franche-Comté', statut: 'conforme' }], total: 23 } } })
  marches(@Query() dto: MarchesSuivisDto): Promise<MarchesSuivisVue> {
    return this.queries.execute(new ListerMarchesSuivis(dto));
  }

  @Get('indicateurs')
  @ApiOperation({ summary: 'Les totaux de la coordination : heures de la période (annee ou du/au) et statuts à la date, sur ses marchés suivis' })
  indicateurs(@Query() dto: PeriodeEtDateDto): Promise<IndicateursCoordinationVue> {
    return this.queries.execute(new CalculerIndicateursCoordination(dto));
  }
}

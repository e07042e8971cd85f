import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { IntersectionType } from '@nestjs/swagger';
import { indicateursCoordination, marchesSuivis, type IndicateursCoordination, type MarcheSuivi } from '@suivi/projections';
import type { Fraicheur } from '../read-side/freshness';
import { PaginationDto, paginer } from '../read-side/pagination';
import { ProjectionReader } from '../read-side/projection-reader';
import { DateDto, periodeDe, type PeriodeEtDateDto } from '../read-side/read-query.dto';

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

export class ListerMarchesSuivis extends Query<MarchesSuivisVue> {
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

export class CalculerIndicateursCoordination extends Query<IndicateursCoordinationVue> {
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
    const indicateurs = await indicateursCoordination(this.reader.dataSource.manager, periode, date, this.reader.tolerance, this.reader.heuresParEtp);
    return { ...indicateurs, date, ...periode, fraicheur };
  }
}

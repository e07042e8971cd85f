import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { IntersectionType } from '@nestjs/swagger';
import { compterMarchesSuivis, indicateursCoordination, marchesSuivis, type IndicateursCoordination, type MarcheSuivi } from '@suivi/projections';
import { refuserExportTropVolumineux } from '../exports-xlsx/taille-export';
import type { Fraicheur } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';
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
  /** `tout`: every row in one page (an export), at most EXPORT_MARCHES_MAX, else a 422 (as the team's /marches). */
  constructor(readonly dto: MarchesSuivisDto, readonly tout = false) {
    super();
  }
}

@QueryHandler(ListerMarchesSuivis)
export class ListerMarchesSuivisHandler implements IQueryHandler<ListerMarchesSuivis, MarchesSuivisVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto, tout }: ListerMarchesSuivis): Promise<MarchesSuivisVue> {
    const fraicheur = await this.reader.prepare(PROJECTION, dto.apres);
    const date = dto.date ?? this.reader.today();
    const em = this.reader.dataSource.manager;
    const jour = { du: date, au: date };
    const total = await compterMarchesSuivis(em, jour);
    if (tout) refuserExportTropVolumineux(total, 'marchés suivis', 'lisez la liste page par page (JSON)');
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const suivis = (
      await marchesSuivis(em, date, this.reader.tolerance, jour, tout ? undefined : { limite: taillePage, decalage: (page - 1) * taillePage })
    ).map((m) => ({ id: m.marcheId, ...m }));
    if (tout) return { items: suivis, total, page: 1, taillePage: total, date, fraicheur };
    return { items: suivis, total, page, taillePage, date, fraicheur };
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

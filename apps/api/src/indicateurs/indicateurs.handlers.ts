import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { calculerIndicateurs, calculerRepartitions, type Indicateurs, type Repartitions } from '@suivi/projections';
import { ProjectionReader } from '../read-side/projection-reader';
import { periodeDe, type PerimetreDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';

export type IndicateursVue = Indicateurs & Repartitions & { perimetre: Record<string, unknown>; fraicheur: Fraicheur };

export class CalculerIndicateurs extends Query<IndicateursVue> {
  constructor(readonly dto: PerimetreDto) {
    super();
  }
}

@QueryHandler(CalculerIndicateurs)
export class CalculerIndicateursHandler implements IQueryHandler<CalculerIndicateurs, IndicateursVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ dto }: CalculerIndicateurs): Promise<IndicateursVue> {
    const periode = periodeDe(dto);
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const perimetre = { ...periode, donneurOrdreId: dto.donneurOrdreId, operationId: dto.operationId, marcheId: dto.marcheId, secteur: dto.secteur };
    const indicateurs = await calculerIndicateurs(this.reader.dataSource.manager, perimetre, {
      categoriesPersonnesEnEmploi: this.reader.categoriesPersonnesEnEmploi,
    });
    const repartitions = await calculerRepartitions(this.reader.dataSource.manager, perimetre);
    return { ...indicateurs, ...repartitions, perimetre: JSON.parse(JSON.stringify(perimetre)), fraicheur };
  }
}

import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { calculerIndicateurs, calculerRepartitions, calculerRepartitionsConsolidation } from '@suivi/projections';
import { ProjectionReader } from '../read-side/projection-reader';
import type { LectureDto } from '../read-side/read-query.dto';
import type { Fraicheur } from '../read-side/freshness';
import { colonnesDe, type ValeurColonne } from './consolidation.colonnes';

/** Version of the column set: raised when a column is added, removed or redefined (docs/consolidation.md). */
export const VERSION_CONSOLIDATION = 2;

export interface ConsolidationVue {
  annee: number;
  version: number;
  /** Every column of COLONNES_CONSOLIDATION, in its order, zeros included. */
  colonnes: ValeurColonne[];
  fraicheur: Fraicheur;
}

export class LireConsolidation extends Query<ConsolidationVue> {
  constructor(readonly annee: number, readonly dto: LectureDto) {
    super();
  }
}

/** The yearly figures of the whole team, as a national network consolidates them (issue 13). */
@QueryHandler(LireConsolidation)
export class LireConsolidationHandler implements IQueryHandler<LireConsolidation, ConsolidationVue> {
  constructor(private readonly reader: ProjectionReader) {}

  async execute({ annee, dto }: LireConsolidation): Promise<ConsolidationVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const em = this.reader.dataSource.manager;
    const perimetre = { du: `${annee}-01-01`, au: `${annee}-12-31` };
    const figures = {
      ...(await calculerIndicateurs(em, perimetre, this.reader.optionsIndicateurs)),
      ...(await calculerRepartitions(em, perimetre)),
      ...(await calculerRepartitionsConsolidation(em, perimetre)),
    };
    return { annee, version: VERSION_CONSOLIDATION, colonnes: colonnesDe(figures), fraicheur };
  }
}

import type { Projection } from './runtime/projection';
import { CoordinationRegionaleProjection } from './coordination-regionale/coordination-regionale.projection';
import { IndicateursProjection } from './indicateurs/indicateurs.projection';
import { StreamTypeCountsProjection } from './stream-type-counts/stream-type-counts.projection';
import { UtilisateursProjection } from './utilisateurs/utilisateurs.projection';
import { JournalAuditProjection } from './journal-audit/journal-audit.projection';

/** Every projection the service maintains; the CLI and the runners take them from here. */
export function allProjections(): Projection[] {
  return [new StreamTypeCountsProjection(), new IndicateursProjection(), new CoordinationRegionaleProjection(), new UtilisateursProjection(), new JournalAuditProjection()];
}

import type { Projection } from './runtime/projection';
import { CoordinationRegionaleProjection } from './coordination-regionale/coordination-regionale.projection';
import { IndicateursProjection } from './indicateurs/indicateurs.projection';
import { StreamTypeCountsProjection } from './stream-type-counts/stream-type-counts.projection';
import { UtilisateursProjection } from './utilisateurs/utilisateurs.projection';
import { JournalAuditProjection } from './journal-audit/journal-audit.projection';
import { AnnuaireProjection, type Reveal } from './annuaire/annuaire.projection';

export interface AllProjectionsOptions {
  /** Decrypts the personal fields for the `annuaire` (names searched by `GET /salaries?q=`); without it, its names are null. */
  reveal?: Reveal;
}

/** Every projection the service maintains; the CLI and the runners take them from here. */
export function allProjections(options: AllProjectionsOptions = {}): Projection[] {
  return [
    new StreamTypeCountsProjection(),
    new IndicateursProjection(),
    new CoordinationRegionaleProjection(),
    new UtilisateursProjection(),
    new JournalAuditProjection(),
    new AnnuaireProjection(options.reveal),
  ];
}

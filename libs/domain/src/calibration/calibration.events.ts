import type { DomainEvent } from '../decider';

/**
 * The facilitation team sets (or confirms) a trade of the sizing table: its label and the share
 * of labour in its price. Who and when are the event's metadata (`userId`, `occurredAt`).
 */
export type TauxMainOeuvreFixe = DomainEvent<'TauxMainOeuvreFixe', { metier: string; libelle: string; partMainOeuvre: number }>;

/** The facilitation team sets the default average hourly labour cost of the sizing table. */
export type CoutHoraireFixe = DomainEvent<'CoutHoraireFixe', { coutHoraire: number }>;

export type MetiersEvent = TauxMainOeuvreFixe | CoutHoraireFixe;

/**
 * A buyer sized the insertion hours of a marché or lot: every factor used, as it was at that
 * moment (the table may change later), the hours and the computation in words.
 */
export type CalibrationCalculee = DomainEvent<
  'CalibrationCalculee',
  {
    calibrationId: string;
    montantHT: number;
    partMainOeuvre: number;
    /** The trade whose share was used, or null when the share was given directly. */
    metier: string | null;
    libelleMetier: string | null;
    tauxInsertion: number;
    coutHoraire: number;
    /** Whether the cost came from the table's setting rather than from the request. */
    coutHoraireParDefaut: boolean;
    heures: number;
    formule: string;
  }
>;

export type CalibrationEvent = CalibrationCalculee;

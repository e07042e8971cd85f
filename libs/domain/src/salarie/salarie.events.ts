import type { DomainEvent } from '../decider';
import type { PlacementEvent } from '../placement/placement.events';
import type { DateIso } from '../values/dates';

export const SEXES = ['F', 'M'] as const;
export type Sexe = (typeof SEXES)[number];

/** National nomenclature of qualification levels (infra 3 = below CAP/BEP). */
export const NIVEAUX_FORMATION = ['infra_3', '3', '4', '5', '6', '7', '8'] as const;
export type NiveauFormation = (typeof NIVEAUX_FORMATION)[number];

export const CRITERES_ELIGIBILITE = [
  'deld',
  'brsa',
  'jeune_peu_qualifie',
  'rqth',
  'senior_demandeur',
  'qpv_sans_emploi',
  'salarie_siae',
  'refugie',
  'sous_main_justice',
  'autre',
] as const;
export type CritereEligibilite = (typeof CRITERES_ELIGIBILITE)[number];

/** A person far from employment is known to the facilitation team. */
export type SalarieEnregistre = DomainEvent<
  'SalarieEnregistre',
  {
    salarieId: string;
    nom: string;
    prenom: string;
    sexe: Sexe;
    dateNaissance: DateIso;
    adresse: string | null;
    commune: string;
    quartierQpv: string | null;
    niveauFormation: NiveauFormation;
  }
>;

/** A facilitatrice validated the person's eligibility on a date, on one or more criteria. */
export type EligibiliteValidee = DomainEvent<
  'EligibiliteValidee',
  {
    salarieId: string;
    criteres: CritereEligibilite[];
    dateValidation: DateIso;
    precision: string | null;
    validePar: string;
  }
>;

export type SalarieIdentiteEvent = SalarieEnregistre | EligibiliteValidee;

/**
 * The Salarie stream holds the person, their eligibility, and their placements with their
 * declarations: the monthly maximum across placements is a per-person rule, so one stream
 * decides it without races (see docs/adr/0001-placements-in-the-salarie-stream.md).
 */
export type SalarieEvent = SalarieIdentiteEvent | PlacementEvent;

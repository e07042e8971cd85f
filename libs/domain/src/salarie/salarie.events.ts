import type { DomainEvent } from '../decider';
import type { PlacementEvent } from '../placement/placement.events';
import type { DateIso } from '../values/dates';

export const SEXES = ['F', 'M'] as const;
export type Sexe = (typeof SEXES)[number];

/** National nomenclature of qualification levels (infra 3 = below CAP/BEP). */
export const NIVEAUX_FORMATION = ['infra_3', '3', '4', '5', '6', '7', '8'] as const;
export type NiveauFormation = (typeof NIVEAUX_FORMATION)[number];

/** Age bands of the statistics, from the age at registration (the birth date itself is personal data). */
export const TRANCHES_AGE = ['moins_26', '26_49', '50_plus'] as const;
export type TrancheAge = (typeof TRANCHES_AGE)[number];

export function trancheAgeDe(age: number): TrancheAge {
  return age < 26 ? 'moins_26' : age < 50 ? '26_49' : '50_plus';
}

/** Why a person's identity is erased: a closed list, so that the erasure event itself holds no personal data. */
export const MOTIFS_EFFACEMENT = ['demande_de_la_personne', 'duree_de_conservation_atteinte', 'enregistrement_errone', 'autre'] as const;
export type MotifEffacement = (typeof MOTIFS_EFFACEMENT)[number];

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

/**
 * A person far from employment is known to the facilitation team. The identity (nom, prenom,
 * dateNaissance, adresse) is stored encrypted with the person's own key (see the catalogue's
 * `personnels`) and reads null once erased; the statistics fields stay in clear.
 */
export type SalarieEnregistre = DomainEvent<
  'SalarieEnregistre',
  {
    salarieId: string;
    nom: string | null;
    prenom: string | null;
    sexe: Sexe;
    dateNaissance: DateIso | null;
    adresse: string | null;
    trancheAge: TrancheAge;
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

/**
 * The person's identity is erased (their key destroyed): it reads null everywhere from now on,
 * their statistics stay. No new fact can be recorded for them.
 */
export type SalarieEfface = DomainEvent<'SalarieEfface', { salarieId: string; motif: MotifEffacement }>;

export type SalarieIdentiteEvent = SalarieEnregistre | EligibiliteValidee | SalarieEfface;

/**
 * The Salarie stream holds the person, their eligibility, and their placements with their
 * declarations: the monthly maximum across placements is a per-person rule, so one stream
 * decides it without races (see docs/adr/0001-placements-in-the-salarie-stream.md).
 */
export type SalarieEvent = SalarieIdentiteEvent | PlacementEvent;

import type { DomainEvent } from '../decider';
import type { DateIso, Mois } from '../values/dates';
import type { CategorieSortie, Sortie } from './sortie';

export const MODALITES = ['embauche_directe', 'mise_a_disposition', 'sous_traitance_siae', 'formation'] as const;
export type Modalite = (typeof MODALITES)[number];

export const TYPES_CONTRAT = ['cdi', 'cdd', 'cddi', 'interim', 'contrat_pro', 'apprentissage', 'formation'] as const;
export type TypeContrat = (typeof TYPES_CONTRAT)[number];

/** A person starts working on a marché, employed by an entreprise. */
export type PlacementDemarre = DomainEvent<
  'PlacementDemarre',
  {
    salarieId: string;
    placementId: string;
    marcheId: string;
    entrepriseId: string;
    /** The attributaire the staff is provided to, for a mise à disposition by an ETTI, AI or GEIQ. */
    entrepriseUtilisatriceId: string | null;
    modalite: Modalite;
    typeContrat: TypeContrat;
    dateDebut: DateIso;
  }
>;

/** The hours worked in a month on a placement, from the employer's timesheet. */
export type HeuresDeclarees = DomainEvent<
  'HeuresDeclarees',
  { salarieId: string; placementId: string; marcheId: string; declarationId: string; mois: Mois; heures: number }
>;

/** A declaration was wrong: its hours are replaced (never edited), with a reason. */
export type HeuresCorrigees = DomainEvent<
  'HeuresCorrigees',
  {
    salarieId: string;
    placementId: string;
    marcheId: string;
    declarationId: string;
    correctionId: string;
    mois: Mois;
    heures: number;
    heuresPrecedentes: number;
    motif: string;
  }
>;

/** The placement ends with an exit; whether it is positive and its category are derived here. */
export type PlacementTermine = DomainEvent<
  'PlacementTermine',
  {
    salarieId: string;
    placementId: string;
    marcheId: string;
    dateFin: DateIso;
    sortie: Sortie;
    sortiePositive: boolean;
    categorieSortie: CategorieSortie;
  }
>;

export type PlacementEvent = PlacementDemarre | HeuresDeclarees | HeuresCorrigees | PlacementTermine;

import type { DomainEvent } from '../decider';
import type { DateIso } from '../values/dates';

export const SECTEURS = ['btp', 'services', 'prestations_intellectuelles'] as const;
export type Secteur = (typeof SECTEURS)[number];

/** The trade of a `btp` marché, as the yearly report splits it: bâtiment or travaux publics. Only with `btp`. */
export const SOUS_SECTEURS = ['batiment', 'travaux_publics'] as const;
export type SousSecteur = (typeof SOUS_SECTEURS)[number];

export const BASES_JURIDIQUES = ['L2112-2', 'L2152-7', 'L2113-12', 'L2113-13', 'marche_insertion'] as const;
export type BaseJuridique = (typeof BASES_JURIDIQUES)[number];

export const ROLES_ATTRIBUTAIRE = ['titulaire', 'cotraitant', 'soustraitant'] as const;
export type RoleAttributaire = (typeof ROLES_ATTRIBUTAIRE)[number];

/** A marché (or one lot) with a clause sociale is registered with its required insertion hours. */
export type MarcheEnregistre = DomainEvent<
  'MarcheEnregistre',
  {
    marcheId: string;
    donneurOrdreId: string;
    operationId: string;
    numero: string;
    objet: string;
    secteur: Secteur;
    /**
     * `batiment` or `travaux_publics` with `btp`, null otherwise. Absent from the events recorded before it
     * was asked (issue 13): read as null (`sousSecteurDe`), so old streams replay unchanged.
     */
    sousSecteur?: SousSecteur | null;
    baseJuridique: BaseJuridique;
    heuresPrevues: number;
    dateDebut: DateIso;
    dateFin: DateIso;
    /** The calibration (`POST /calibrations`) the hours were sized with; absent when none, and from older events. */
    calibrationId?: string;
  }
>;

/** A MarcheEnregistre's sub-sector, null when it has none or was recorded before the field existed. */
export const sousSecteurDe = (data: MarcheEnregistre['data']): SousSecteur | null => data.sousSecteur ?? null;

/** An entreprise is awarded the marché (or part of it) in a role. */
export type MarcheAttribue = DomainEvent<
  'MarcheAttribue',
  { marcheId: string; entrepriseId: string; role: RoleAttributaire }
>;

/** An amendment changes the required hours and/or the end of the performance period. */
export type AvenantConclu = DomainEvent<
  'AvenantConclu',
  {
    marcheId: string;
    heuresPrevues?: number;
    dateFin?: DateIso;
    motif: string;
    heuresPrevuesAvant: number;
    dateFinAvant: DateIso;
  }
>;

/** The regional coordination starts following the marché. */
export type SuiviRegionalDemarre = DomainEvent<'SuiviRegionalDemarre', { marcheId: string }>;

/** The regional coordination stops following the marché (its history stays). */
export type SuiviRegionalArrete = DomainEvent<'SuiviRegionalArrete', { marcheId: string }>;

/** The marché is closed: it takes no more hours. */
export type MarcheCloture = DomainEvent<'MarcheCloture', { marcheId: string; date: DateIso }>;

export type MarcheEvent =
  | MarcheEnregistre
  | MarcheAttribue
  | AvenantConclu
  | SuiviRegionalDemarre
  | SuiviRegionalArrete
  | MarcheCloture;

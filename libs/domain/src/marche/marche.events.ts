import type { DomainEvent } from '../decider';
import type { DateIso } from '../values/dates';

export const SECTEURS = ['btp', 'services', 'prestations_intellectuelles'] as const;
export type Secteur = (typeof SECTEURS)[number];

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
    baseJuridique: BaseJuridique;
    heuresPrevues: number;
    dateDebut: DateIso;
    dateFin: DateIso;
  }
>;

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

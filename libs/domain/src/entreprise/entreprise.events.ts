import type { DomainEvent } from '../decider';

export const TYPES_ENTREPRISE = ['classique', 'ei', 'ai', 'aci', 'etti', 'geiq', 'esat', 'ea'] as const;
export type TypeEntreprise = (typeof TYPES_ENTREPRISE)[number];

/** How a message names each kind. */
export const NOM_TYPE_ENTREPRISE: Record<TypeEntreprise, string> = {
  classique: 'entreprise classique',
  ei: 'EI',
  ai: 'AI',
  aci: 'ACI',
  etti: 'ETTI',
  geiq: 'GEIQ',
  esat: 'ESAT',
  ea: 'EA',
};

/** Structures allowed to provide staff to an attributaire (mise à disposition). */
export const TYPES_MISE_A_DISPOSITION: readonly TypeEntreprise[] = ['etti', 'ai', 'geiq'];

/** Structures d'insertion par l'activité économique (SIAE). */
export const TYPES_SIAE: readonly TypeEntreprise[] = ['ei', 'ai', 'aci', 'etti'];

/** Employers of disabled workers: entreprise adaptée (EA) and ESAT. */
export const TYPES_HANDICAP: readonly TypeEntreprise[] = ['ea', 'esat'];

/** An entreprise (company or insertion/disability structure) is known, by its SIRET. */
export type EntrepriseEnregistree = DomainEvent<
  'EntrepriseEnregistree',
  { entrepriseId: string; siret: string; siren: string; raisonSociale: string; type: TypeEntreprise }
>;

/** A SIRET is taken by an entreprise: the guard that keeps SIRETs unique across streams. */
export type SiretReserve = DomainEvent<'SiretReserve', { siret: string; entrepriseId: string }>;

/** The registration that reserved a SIRET was refused in the end: the SIRET is free again. */
export type SiretLibere = DomainEvent<'SiretLibere', { siret: string; entrepriseId: string }>;

export type SiretEvent = SiretReserve | SiretLibere;

export type EntrepriseEvent = EntrepriseEnregistree;

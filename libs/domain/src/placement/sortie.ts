export const SORTIES = [
  'cdi',
  'cdd_6_mois_et_plus',
  'interim_6_mois_et_plus',
  'contrat_aide_6_mois_et_plus',
  'formation_qualifiante',
  'creation_entreprise',
  'cdd_moins_6_mois',
  'interim_moins_6_mois',
  'embauche_siae',
  'abandon',
  'demenagement',
  'sans_solution',
  'autre',
] as const;
export type Sortie = (typeof SORTIES)[number];

/** The exit categories of the inclusion sector (API.md). */
export const CATEGORIES_SORTIE = ['emploi_durable', 'emploi_transition', 'sortie_positive_formation', 'autre'] as const;
export type CategorieSortie = (typeof CATEGORIES_SORTIE)[number];

/**
 * The exit categories counted as "personnes en emploi" for the funder's objective when
 * PERSONNES_EN_EMPLOI_CATEGORIES is not set: lasting employment only.
 */
export const CATEGORIES_PERSONNES_EN_EMPLOI_PAR_DEFAUT: readonly CategorieSortie[] = ['emploi_durable'];

/**
 * Positive exits per DOMAIN.md: CDI, CDD or temporary work of 6 months or more, subsidised
 * contract of 6 months or more, qualifying training, business creation. A hire by an SIAE
 * is classified by the inclusion sector as a positive outcome category but is not a
 * "sortie positive" of the clause.
 */
const POSITIVES: ReadonlySet<Sortie> = new Set([
  'cdi',
  'cdd_6_mois_et_plus',
  'interim_6_mois_et_plus',
  'contrat_aide_6_mois_et_plus',
  'formation_qualifiante',
  'creation_entreprise',
]);

/** The categories of the inclusion sector (API.md). */
const CATEGORIES: Record<Sortie, CategorieSortie> = {
  cdi: 'emploi_durable',
  cdd_6_mois_et_plus: 'emploi_durable',
  interim_6_mois_et_plus: 'emploi_durable',
  creation_entreprise: 'emploi_durable',
  cdd_moins_6_mois: 'emploi_transition',
  interim_moins_6_mois: 'emploi_transition',
  contrat_aide_6_mois_et_plus: 'emploi_transition',
  formation_qualifiante: 'sortie_positive_formation',
  embauche_siae: 'sortie_positive_formation',
  abandon: 'autre',
  demenagement: 'autre',
  sans_solution: 'autre',
  autre: 'autre',
};

export function estSortiePositive(sortie: Sortie): boolean {
  return POSITIVES.has(sortie);
}

export function categorieDeSortie(sortie: Sortie): CategorieSortie {
  return CATEGORIES[sortie];
}

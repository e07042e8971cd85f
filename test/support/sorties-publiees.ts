/**
 * The exits as the published contract defines them, written out here rather than imported from the
 * domain: the tests compute their expected figures independently of the code under test.
 */
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

/** Positive exits (DOMAIN.md). */
export const SORTIES_POSITIVES: ReadonlySet<string> = new Set([
  'cdi',
  'cdd_6_mois_et_plus',
  'interim_6_mois_et_plus',
  'contrat_aide_6_mois_et_plus',
  'formation_qualifiante',
  'creation_entreprise',
]);

/** The inclusion sector's category of each exit (API.md). */
export const CATEGORIES_SORTIE: Readonly<Record<string, string>> = {
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

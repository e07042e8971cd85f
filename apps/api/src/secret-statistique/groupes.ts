import { CATEGORIES_SORTIE, CRITERES_ELIGIBILITE, MODALITES, NIVEAUX_FORMATION, TYPES_CONTRAT } from '@suivi/domain';
import type { Chemin, Groupe } from './secret-statistique';

/*
 * The counts of people of each figure route and how they relate: what the statistical secrecy masks
 * (secret-statistique.ts). Counts of placements are masked like counts of people: each is one person's
 * contract, and they bound the people's counts (one placement ended in a category: one person at most).
 * Hours, ETP and counts of entreprises, marchés, opérations and donneurs d'ordre are not counts of people.
 */

type Corps = Record<string, unknown>;

/** A breakdown's keys: every value of its domain (absent keys read 0), then any other key it has. */
function cles(corps: Corps, champ: string, domaine: readonly string[]): string[] {
  const valeurs = corps[champ];
  const presentes = valeurs !== null && typeof valeurs === 'object' ? Object.keys(valeurs) : [];
  return [...new Set([...domaine, ...presentes])];
}

/** The indicators of /indicateurs (also `indicateurs` of /bilans, with the prefix `indicateurs.`). */
export function groupesIndicateurs(indicateurs: object, prefixe = ''): Groupe[] {
  const corps = indicateurs as Corps;
  const c = (champ: string): Chemin => `${prefixe}${champ}`;
  const repartition = (champ: string, domaine: readonly string[]) => cles(corps, champ, domaine).map((k) => c(`${champ}.${k}`));
  const enEmploi = Array.isArray(corps.categoriesPersonnesEnEmploi) ? (corps.categoriesPersonnesEnEmploi as string[]) : [];
  return [
    // The people of the period, by sex, age band, QPV and level: each adds up to `salaries`.
    { type: 'partition', total: c('salaries'), cellules: [c('femmes')], reste: true },
    { type: 'partition', total: c('salaries'), cellules: [c('moins26Ans'), c('plus50Ans')], reste: true },
    { type: 'partition', total: c('salaries'), cellules: [c('residentsQpv')], reste: true },
    { type: 'partition', total: c('salaries'), cellules: repartition('niveauxFormation', NIVEAUX_FORMATION) },
    { type: 'sous-ensembles', total: c('salaries'), cellules: repartition('criteres', CRITERES_ELIGIBILITE) },
    { type: 'derive', chemin: c('partFemmes'), de: [c('femmes'), c('salaries')] },
    // The hours' share of a masked group would still tell whether it is empty, and what its few members worked.
    { type: 'derive', chemin: c('partFemmesHeures'), de: [c('femmes')] },
    { type: 'derive', chemin: c('partQpvPersonnes'), de: [c('residentsQpv'), c('salaries')] },
    { type: 'derive', chemin: c('partQpvHeures'), de: [c('residentsQpv')] },
    { type: 'derive', chemin: c('partMoins26Ans'), de: [c('moins26Ans'), c('salaries')] },
    { type: 'derive', chemin: c('partPlus50Ans'), de: [c('plus50Ans'), c('salaries')] },
    // Placements started in the period, by contract and by modalité: two breakdowns of one total not in the answer.
    { type: 'partition', total: null, cellules: repartition('placementsParContrat', TYPES_CONTRAT) },
    { type: 'partition', total: null, cellules: repartition('placementsParModalite', MODALITES) },
    { type: 'effectif', chemin: c('embauches') },
    { type: 'effectif', chemin: c('placementsEmbauche') },
    // Exits: a person counts once in `sorties` and, but for a rare second exit, in one category.
    { type: 'partition', total: c('sorties'), cellules: [c('sortiesPositives')], reste: true },
    { type: 'partition', total: c('sorties'), cellules: repartition('sortiesParCategorie', CATEGORIES_SORTIE) },
    // With the default setting, `personnesEnEmploi` is the `emploi_durable` cell itself: masking one masks the other.
    { type: 'partition', total: c('personnesEnEmploi'), cellules: enEmploi.map((k) => c(`sortiesParCategorie.${k}`)) },
    { type: 'partition', total: c('placementsTermines'), cellules: [c('placementsSortiePositive')], reste: true },
    { type: 'partition', total: c('placementsTermines'), cellules: repartition('placementsTerminesParCategorie', CATEGORIES_SORTIE) },
  ];
}

/** /indicateurs/series: each year's people and people with a positive exit. */
export function groupesSerie(corps: { items?: unknown[] }): Groupe[] {
  return (corps.items ?? []).flatMap<Groupe>((_, k) => [
    { type: 'effectif', chemin: `items[${k}].salaries` },
    { type: 'effectif', chemin: `items[${k}].sortiesPositives` },
  ]);
}

/** /bilans/{annee}: its indicators, the people per opération, and the objectives' results read from masked figures. */
export function groupesBilan(corps: { indicateurs?: unknown; operations?: unknown[]; objectifs?: unknown }): Groupe[] {
  const groupes = groupesIndicateurs(corps.indicateurs ?? {}, 'indicateurs.');
  // A person rarely works on two opérations in a year: their counts add up to the year's people nearly always.
  const operations = (corps.operations ?? []).map((_, k) => `operations[${k}].salaries`);
  if (operations.length > 0) groupes.push({ type: 'partition', total: 'indicateurs.salaries', cellules: operations });
  if (corps.objectifs) {
    const qpv = ['indicateurs.residentsQpv', 'indicateurs.salaries'];
    groupes.push(
      { type: 'derive', chemin: 'objectifs.partQpvPersonnes.realise', de: qpv },
      { type: 'derive', chemin: 'objectifs.partQpvPersonnes.atteint', de: qpv },
      { type: 'derive', chemin: 'objectifs.personnesEnEmploi.realise', de: ['indicateurs.personnesEnEmploi'] },
      { type: 'derive', chemin: 'objectifs.personnesEnEmploi.atteint', de: ['indicateurs.personnesEnEmploi'] },
    );
  }
  return groupes;
}

/** /exports/consolidation/{annee}: its columns of people and placements, by code (docs/consolidation.md). */
export function groupesConsolidation(corps: { colonnes?: Array<{ colonne: string; unite: string }> }): Groupe[] {
  const colonnes = corps.colonnes ?? [];
  const chemin = (code: string): Chemin => {
    const k = colonnes.findIndex((c) => c.colonne === code);
    if (k < 0) throw new Error(`consolidation column ${code} missing: update groupesConsolidation`);
    return `colonnes[${k}].valeur`;
  };
  const commencant = (prefixe: string, sauf: string[] = []) =>
    colonnes.filter((c) => c.colonne.startsWith(prefixe) && !sauf.includes(c.colonne)).map((c) => chemin(c.colonne));
  const groupes: Groupe[] = [
    { type: 'partition', total: chemin('personnes_total'), cellules: [chemin('personnes_femmes'), chemin('personnes_hommes')] },
    {
      type: 'partition',
      total: chemin('personnes_total'),
      cellules: [chemin('personnes_moins_26_ans'), chemin('personnes_26_49_ans'), chemin('personnes_50_ans_et_plus')],
    },
    { type: 'partition', total: chemin('personnes_total'), cellules: [chemin('personnes_qpv')], reste: true },
    { type: 'sous-ensembles', total: chemin('personnes_total'), cellules: commencant('personnes_critere_') },
    { type: 'partition', total: chemin('sorties_total'), cellules: [chemin('sorties_positives')], reste: true },
    { type: 'partition', total: chemin('sorties_total'), cellules: CATEGORIES_SORTIE.map((s) => chemin(`sorties_${s}`)) },
    { type: 'partition', total: chemin('contrats_total'), cellules: commencant('contrats_', ['contrats_total']) },
  ];
  // Any other column of people or placements is at least masked when small.
  const nommees = new Set(groupes.flatMap((g) => (g.type === 'partition' || g.type === 'sous-ensembles' ? [g.total, ...g.cellules] : [])));
  colonnes.forEach((c, k) => {
    const p = `colonnes[${k}].valeur`;
    if ((c.unite === 'personnes' || c.unite === 'placements') && !nommees.has(p)) groupes.push({ type: 'effectif', chemin: p });
  });
  return groupes;
}

/**
 * /coordination-regionale/*: the coordination sees no person, and its answers count none today (marchés, hours,
 * statuses). A count of people added to them must be listed here.
 */
export function groupesCoordination(): Groupe[] {
  return [];
}

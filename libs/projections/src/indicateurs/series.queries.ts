import { depuisCentiemes, etpDe } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { sortiesParPersonne, totauxDuPerimetre, type Indicateurs, type OptionsIndicateurs, type Perimetre } from './indicateurs.queries';

/** The most years a series may cover. */
export const SERIE_ANNEES_MAX = 50;

/** The figures of a year of the series: those of `/indicateurs?annee=<annee>` of the same name. */
export const CHAMPS_SERIE = ['heuresRealisees', 'etp', 'salaries', 'entreprises', 'operations', 'donneursOrdre', 'sortiesPositives'] as const satisfies ReadonlyArray<
  keyof Indicateurs
>;

/** One year of the series. */
export type AnneeSerie = { annee: number } & Pick<Indicateurs, (typeof CHAMPS_SERIE)[number]>;

/**
 * The yearly series (issue 13): for each calendar year of [de, a], the figures of calculerIndicateurs over
 * [annee-01-01, annee-12-31] and the scope's filters, read by the same queries (totauxDuPerimetre and
 * sortiesParPersonne), so each figure has one definition: a year of the series equals `/indicateurs?annee=`.
 */
export async function serieAnnuelle(
  em: EntityManager,
  p: Omit<Perimetre, 'du' | 'au'>,
  de: number,
  a: number,
  options: OptionsIndicateurs = {},
): Promise<AnneeSerie[]> {
  const items: AnneeSerie[] = [];
  for (let annee = de; annee <= a; annee++) {
    const perimetre = { ...p, du: `${annee}-01-01`, au: `${annee}-12-31` };
    const totaux = await totauxDuPerimetre(em, perimetre);
    const sorties = await sortiesParPersonne(em, perimetre, options);
    items.push({
      annee,
      heuresRealisees: depuisCentiemes(totaux.centiemes),
      etp: etpDe(totaux.centiemes, options.heuresParEtp),
      salaries: totaux.salaries,
      entreprises: totaux.entreprises,
      operations: totaux.operations,
      donneursOrdre: totaux.donneursOrdre,
      sortiesPositives: sorties.sortiesPositives,
    });
  }
  return items;
}

import { motsRecherches } from './recherche';
import type { Perimetre } from './indicateurs.queries';

/**
 * The sums the indicateurs projection keeps beside the declarations, so that a year's figures (national or of one
 * donneur d'ordre) read a few thousand pre-added rows instead of every declaration of the year (issue 18). Each row
 * adds up the hours (after corrections) of the declarations of its key:
 * - `heures_mois` (mois, donneur d'ordre, secteur, modalité of the placement, type of its employer): hours are sums,
 *   so any range of whole months adds its months up;
 * - `marches_annee` (année, donneur d'ordre, marché; its opération), `personnes_annee` (année, donneur d'ordre,
 *   opération, salarié), `entreprises_annee` (année, donneur d'ordre, entreprise employing or hosting, métier of
 *   the marché): distinct counts do not add up across months or years, so these answer for one calendar year.
 * A key with hours is one with a sum > 0: hours are never negative (a correction sets 0 at least), so a sum > 0 is
 * a declaration > 0, which is what the figures count. A row stays at 0 when its hours are corrected to 0.
 * What the keys are made of never changes after registration (a marché's donneur d'ordre, opération, secteur and
 * sous-secteur, a placement's modalité and entreprises, an entreprise's type), so a row never moves.
 */
export const TABLES_AGREGATS = ['heures_mois', 'marches_annee', 'personnes_annee', 'entreprises_annee'] as const;

/** The métier of a marché's hours (entreprisesParMetier), on a row with `secteur` and `sous_secteur`: one definition, read by the aggregates and the general path. */
export function metierSql(alias: string): string {
  return `CASE WHEN ${alias}.secteur = 'btp' THEN coalesce(${alias}.sous_secteur, 'non_precise') ELSE 'services' END`;
}

/**
 * The statements (CTEs of one WITH, named `agregats_*`) that add `lignes` to the aggregates: `lignes` is a relation
 * of declarations or of their changes (columns placement_id, salarie_id, marche_id, entreprise_id, mois, centiemes:
 * the hours to add, a correction's difference). Each key is written once (summed per key), so one statement may
 * carry a whole batch. `schema`: the tables' qualifier ('' where the search_path points at them).
 * The same text serves the projection (declarations inserted, corrections) and the migration (every declaration).
 */
export function cumulerAgregats(lignes: string, schema = ''): string {
  const t = (table: string) => (schema ? `${schema}.${table}` : table);
  const upsert = (table: string, cles: string[], select: string) => `
    INSERT INTO ${t(table)} (${cles.join(', ')}, centiemes) ${select}
    ON CONFLICT (${cles.join(', ')}) DO UPDATE SET centiemes = ${table}.centiemes + excluded.centiemes`;
  return `
  agregats_lignes AS (
    SELECT x.mois, left(x.mois, 4)::int AS annee, x.salarie_id, x.marche_id, x.entreprise_id, x.centiemes,
      m.donneur_ordre_id, m.operation_id, m.secteur, ${metierSql('m')} AS metier,
      p.modalite, p.entreprise_utilisatrice_id, coalesce(e.type, '') AS type_employeur
    FROM (${lignes}) x JOIN ${t('marches')} m ON m.id = x.marche_id JOIN ${t('placements')} p ON p.id = x.placement_id
    LEFT JOIN ${t('entreprises')} e ON e.id = x.entreprise_id),
  agregats_heures AS (${upsert(
    'heures_mois',
    ['mois', 'donneur_ordre_id', 'secteur', 'modalite', 'type_employeur'],
    `SELECT mois, donneur_ordre_id, secteur, modalite, type_employeur, sum(centiemes) FROM agregats_lignes GROUP BY 1, 2, 3, 4, 5`,
  )}),
  agregats_marches AS (${upsert(
    'marches_annee',
    ['annee', 'donneur_ordre_id', 'marche_id', 'operation_id'],
    `SELECT annee, donneur_ordre_id, marche_id, operation_id, sum(centiemes) FROM agregats_lignes GROUP BY 1, 2, 3, 4`,
  )}),
  agregats_personnes AS (${upsert(
    'personnes_annee',
    ['annee', 'donneur_ordre_id', 'operation_id', 'salarie_id'],
    `SELECT annee, donneur_ordre_id, operation_id, salarie_id, sum(centiemes) FROM agregats_lignes GROUP BY 1, 2, 3, 4`,
  )}),
  -- The employer, and the entreprise hosting a mise à disposition when it is another one: each counts the hours once.
  agregats_entreprises AS (${upsert(
    'entreprises_annee',
    ['annee', 'donneur_ordre_id', 'entreprise_id', 'metier'],
    `SELECT l.annee, l.donneur_ordre_id, h.entreprise_id, l.metier, sum(l.centiemes) FROM agregats_lignes l
     CROSS JOIN LATERAL (VALUES (l.entreprise_id), (nullif(l.entreprise_utilisatrice_id, l.entreprise_id))) h (entreprise_id)
     WHERE h.entreprise_id IS NOT NULL GROUP BY 1, 2, 3, 4`,
  )})`;
}

/** What the aggregates can answer for a scope: its months, its year if they make one calendar year, its donneurs d'ordre. */
export interface PerimetreAgrege {
  moisDu: string;
  moisAu: string;
  /** The calendar year the months make up exactly, else null (only `heures_mois` answers then). */
  annee: number | null;
  /** Every donneur d'ordre the scope requires (none: national; two different ones: nothing). */
  donneurs: string[];
}

/**
 * The aggregates answer for a scope that only filters by donneur d'ordre (or by none); the figures of declarations
 * only depend on the months the period overlaps. Null: the general path (opération, marché, secteur, search).
 */
export function perimetreAgrege(p: Perimetre): PerimetreAgrege | null {
  if (p.agregats === false || p.operationId !== undefined || p.marcheId !== undefined || p.secteur !== undefined || motsRecherches(p.q).length > 0) return null;
  const moisDu = p.du ? p.du.slice(0, 7) : '0000-01';
  const moisAu = p.au ? p.au.slice(0, 7) : '9999-12';
  const an = moisDu.slice(0, 4);
  const annee = moisDu === `${an}-01` && moisAu === `${an}-12` && /^\d{4}$/.test(an) ? Number(an) : null;
  const donneurs = [p.donneurOrdreId, p.porteeDonneurOrdreId].filter((d): d is string => d !== undefined);
  return { moisDu, moisAu, annee, donneurs };
}

/** The scope's clauses on an aggregate (`alias`), its parameters numbered after `base`. */
export function filtreAgrege(a: PerimetreAgrege, alias: string, base: number): { where: string; params: unknown[] } {
  return {
    where: a.donneurs.map((_, i) => `AND ${alias}.donneur_ordre_id = $${base + i + 1}`).join(' '),
    params: [...a.donneurs],
  };
}

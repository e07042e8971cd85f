import { contientLesMots, motsRecherches } from './recherche';
import { filtreAgrege, metierSql, perimetreAgrege } from './agregats';
import {
  CATEGORIES_PERSONNES_EN_EMPLOI_PAR_DEFAUT,
  CATEGORIES_SORTIE,
  CONTRATS_EMBAUCHE,
  depuisCentiemes,
  etpDe,
  SECTEURS,
} from '@suivi/domain';
import type { EntityManager } from 'typeorm';

/** Which declarations, placements and marchés a figure covers. Dates are `YYYY-MM-DD`, both included. */
export interface Perimetre {
  du?: string;
  au?: string;
  donneurOrdreId?: string;
  operationId?: string;
  marcheId?: string;
  secteur?: string;
  /** Words that must all appear in the marché's number or object, accents and case forgiven (the lists' search). */
  q?: string | null;
  /**
   * The caller's scope (an acheteur's donneur d'ordre): only this donneur d'ordre's marchés exist, whatever
   * the filters above say; a filter outside it matches nothing, exactly like an unknown id. Set by the API
   * from the caller's Portee (apps/api/src/acces/portee.ts), never from the query string.
   */
  porteeDonneurOrdreId?: string;
  /** false: read every figure from the declarations, even where the aggregates answer (what their test compares them with). */
  agregats?: false;
}

export interface Indicateurs {
  heuresRealisees: number;
  etp: number;
  heuresParSecteur: Record<string, number>;
  salaries: number;
  femmes: number;
  partFemmes: number;
  partFemmesHeures: number;
  residentsQpv: number;
  partQpvPersonnes: number;
  partQpvHeures: number;
  moins26Ans: number;
  partMoins26Ans: number;
  plus50Ans: number;
  partPlus50Ans: number;
  niveauxFormation: Record<string, number>;
  criteres: Record<string, number>;
  entreprises: number;
  operations: number;
  donneursOrdre: number;
  marches: number;
  placementsParContrat: Record<string, number>;
  placementsParModalite: Record<string, number>;
  /** People (distinct) hired in the period; `placementsEmbauche`: the placements behind them. */
  embauches: number;
  placementsEmbauche: number;
  /** People (distinct) with an exit in the period: once each, in every category one of their exits is in. */
  sorties: number;
  sortiesPositives: number;
  sortiesParCategorie: Record<string, number>;
  personnesEnEmploi: number;
  /** The categories counted as `personnesEnEmploi` (setting PERSONNES_EN_EMPLOI_CATEGORIES). */
  categoriesPersonnesEnEmploi: string[];
  /** The same exits counted in placements. */
  placementsTermines: number;
  placementsSortiePositive: number;
  placementsTerminesParCategorie: Record<string, number>;
}

/** What a figure depends on besides its scope: the settings of the deployment. */
export interface OptionsIndicateurs {
  /** Exit categories counted as "personnes en emploi" (default `emploi_durable`). */
  categoriesPersonnesEnEmploi?: readonly string[];
  /** Hours of one full-time equivalent, the divisor of `etp` (setting HEURES_PAR_ETP, default 1607). */
  heuresParEtp?: number;
}

const part = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 10_000) / 10_000);

/**
 * The definitions a funder audits (stated for the API docs and docs/indicateurs.md in definitions.ts):
 * - hours: declarations after corrections whose month overlaps [du, au], of marchés in scope;
 * - people: distinct salariés with hours (> 0) in the period; their age is their age band when registered
 *   (`tranche_age`: under 26, 26 to 49, 50 and over; the read model keeps no birth date); QPV = living in a
 *   QPV when registered;
 * - criteria: those validated (up to the end of the period) for the people counted;
 * - entreprises: those employing or hosting (mise à disposition) someone with hours in the period;
 * - operations / donneurs d'ordre / marchés: those with hours in the period;
 * - placements by contract and modalité: placements started in the period;
 * - hires (`embauches`): distinct people with a placement started in the period by direct hire (modalité
 *   `embauche_directe`) under a CDI, CDD, contrat de professionnalisation or apprentissage
 *   (`placementsEmbauche`: those placements);
 * - exits are counted in people (`placementsTermines`, `placementsSortiePositive`, `placementsTerminesParCategorie`:
 *   the same in placements). A person's exits in a period are the ends of their placements in scope dated in
 *   the period; a person with several counts once in `sorties`, once in `sortiesPositives` if any of them is
 *   positive, once in each category of `sortiesParCategorie` one of them is in (a person may thus count in two
 *   categories), and once in `personnesEnEmploi` if any is in a category of `categoriesPersonnesEnEmploi`
 *   (setting PERSONNES_EN_EMPLOI_CATEGORIES, `emploi_durable` by default). Computed by `sortiesParPersonne`.
 */
export async function calculerIndicateurs(em: EntityManager, p: Perimetre, options: OptionsIndicateurs = {}): Promise<Indicateurs> {
  const { du, au } = declarationsDuPerimetre(p);
  const placements = placementsDuPerimetre(p);
  const [totaux, debutes, embauches, sorties] = await lireEnsemble(em, [
    () => totauxDuPerimetre(em, p, { criteresAu: au }),
    () => em.query(
      `WITH pl AS (${placements.sql}) SELECT type_contrat, modalite, count(*)::int AS n FROM pl
       WHERE date_debut BETWEEN $${placements.args.length + 1} AND $${placements.args.length + 2} GROUP BY 1, 2`,
      [...placements.args, du, au],
    ) as Promise<Array<{ type_contrat: string; modalite: string; n: number }>>,
    () => compterEmbauches(em, p),
    () => sortiesParPersonne(em, p, options),
  ] as const);

  const centiemes = totaux.centiemes;
  const compter = <T>(rows: T[], cle: (r: T) => string, n: (r: T) => number) =>
    rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [cle(r)]: (acc[cle(r)] ?? 0) + n(r) }), {});
  return {
    heuresRealisees: depuisCentiemes(centiemes),
    etp: etpDe(centiemes, options.heuresParEtp),
    heuresParSecteur: {
      ...heuresParSecteurVides(),
      ...Object.fromEntries(Object.entries(totaux.centiemesParSecteur).map(([secteur, c]) => [secteur, depuisCentiemes(c)])),
    },
    salaries: totaux.salaries,
    femmes: totaux.femmes,
    partFemmes: part(totaux.femmes, totaux.salaries),
    partFemmesHeures: part(totaux.centiemesFemmes, centiemes),
    residentsQpv: totaux.qpv,
    partQpvPersonnes: part(totaux.qpv, totaux.salaries),
    partQpvHeures: part(totaux.centiemesQpv, centiemes),
    moins26Ans: totaux.moins26,
    partMoins26Ans: part(totaux.moins26, totaux.salaries),
    plus50Ans: totaux.plus50,
    partPlus50Ans: part(totaux.plus50, totaux.salaries),
    niveauxFormation: compter(totaux.niveaux ?? [], (r) => r.cle, (r) => r.n),
    criteres: compter(totaux.criteres ?? [], (r) => r.cle, (r) => r.n),
    entreprises: totaux.entreprises,
    operations: totaux.operations,
    donneursOrdre: totaux.donneursOrdre,
    marches: totaux.marches,
    placementsParContrat: compter(debutes, (r) => r.type_contrat, (r) => r.n),
    placementsParModalite: compter(debutes, (r) => r.modalite, (r) => r.n),
    embauches: embauches.personnes,
    placementsEmbauche: embauches.placements,
    ...sorties,
  };
}

/**
 * Runs independent reads together on a pool (each on its own connection, side by side); on a manager bound to one
 * connection (a transaction, a reading at a past instant), one after the other, since a connection runs one query at a time.
 */
export async function lireEnsemble<T extends readonly (() => Promise<unknown>)[]>(
  em: EntityManager,
  lectures: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  if (!em.queryRunner) return Promise.all(lectures.map((lire) => lire())) as any;
  const resultats: unknown[] = [];
  for (const lire of lectures) resultats.push(await lire());
  return resultats as any;
}

/** The declarations a figure covers (after corrections, > 0, months overlapping [du, au], marchés in scope), as SQL and its arguments. */
function declarationsDuPerimetre(p: Perimetre) {
  const { where, params } = filtre(p, 'm');
  const moisDu = p.du ? p.du.slice(0, 7) : '0000-01';
  const moisAu = p.au ? p.au.slice(0, 7) : '9999-12';
  const base = params.length;
  const declarations = `
    SELECT d.*, m.secteur, m.sous_secteur, m.operation_id, m.donneur_ordre_id
    FROM indicateurs.declarations d JOIN indicateurs.marches m ON m.id = d.marche_id
    WHERE d.centiemes > 0 AND d.mois BETWEEN $${base + 1} AND $${base + 2} ${where}`;
  return { declarations, args: [...params, moisDu, moisAu], params, where, base, du: p.du ?? '0000-01-01', au: p.au ?? '9999-12-31' };
}

/** A query and its arguments ($1…). */
export interface RequeteSql {
  sql: string;
  args: unknown[];
}

/** `r` as a subquery of a query whose own arguments come first: its parameters numbered after theirs (`avant` of them). */
export function apres(r: RequeteSql, avant: number): RequeteSql {
  return { sql: r.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + avant}`), args: r.args };
}

/*
 * Every figure of the declarations reads one of four relations of the scope's declarations (hours by key, people,
 * marchés, entreprises): from the aggregates the projection keeps (agregats.ts) when they answer for the scope
 * (national or donneurs d'ordre; a range of whole months for the hours, one calendar year for the others), else
 * grouped from the declarations. Both give the same rows (checked on random logs by agregats.spec.ts), so a figure
 * has one definition whichever path serves it.
 */

/** Hours (`centiemes` > 0) by month, sector, modalité of the placement and type of its employer ('' when unknown). */
export function heuresDuPerimetre(p: Perimetre): RequeteSql {
  const a = perimetreAgrege(p);
  if (a) {
    const { where, params } = filtreAgrege(a, 'x', 2);
    return {
      sql: `SELECT x.mois, x.secteur, x.modalite, x.type_employeur, sum(x.centiemes) AS centiemes FROM indicateurs.heures_mois x
            WHERE x.mois BETWEEN $1 AND $2 ${where} GROUP BY 1, 2, 3, 4 HAVING sum(x.centiemes) > 0`,
      args: [a.moisDu, a.moisAu, ...params],
    };
  }
  const { declarations, args } = declarationsDuPerimetre(p);
  return {
    sql: `SELECT d.mois, d.secteur, pl.modalite, coalesce(e.type, '') AS type_employeur, sum(d.centiemes) AS centiemes
          FROM (${declarations}) d JOIN indicateurs.placements pl ON pl.id = d.placement_id
          LEFT JOIN indicateurs.entreprises e ON e.id = d.entreprise_id GROUP BY 1, 2, 3, 4`,
    args,
  };
}

/** The people with hours (`salarie_id`) and their hours (`centiemes`). */
export function personnesDuPerimetre(p: Perimetre): RequeteSql {
  const a = perimetreAgrege(p);
  if (a?.annee != null) {
    const { where, params } = filtreAgrege(a, 'x', 1);
    return {
      sql: `SELECT x.salarie_id, sum(x.centiemes) AS centiemes FROM indicateurs.personnes_annee x
            WHERE x.annee = $1 ${where} GROUP BY x.salarie_id HAVING sum(x.centiemes) > 0`,
      args: [a.annee, ...params],
    };
  }
  const { declarations, args } = declarationsDuPerimetre(p);
  return { sql: `SELECT d.salarie_id, sum(d.centiemes) AS centiemes FROM (${declarations}) d GROUP BY d.salarie_id`, args };
}

/** The people with hours by opération (`operation_id`, `salarie_id`): a person counts once in each opération they worked for. */
export function personnesParOperation(p: Perimetre): RequeteSql {
  const a = perimetreAgrege(p);
  if (a?.annee != null) {
    const { where, params } = filtreAgrege(a, 'x', 1);
    return {
      sql: `SELECT x.operation_id, x.salarie_id FROM indicateurs.personnes_annee x
            WHERE x.annee = $1 ${where} GROUP BY 1, 2 HAVING sum(x.centiemes) > 0`,
      args: [a.annee, ...params],
    };
  }
  const { declarations, args } = declarationsDuPerimetre(p);
  return { sql: `SELECT DISTINCT d.operation_id, d.salarie_id FROM (${declarations}) d`, args };
}

/** The marchés with hours (`marche_id`), with their opération and donneur d'ordre. */
export function marchesDuPerimetre(p: Perimetre): RequeteSql {
  const a = perimetreAgrege(p);
  if (a?.annee != null) {
    const { where, params } = filtreAgrege(a, 'x', 1);
    return {
      sql: `SELECT x.marche_id, x.operation_id, x.donneur_ordre_id FROM indicateurs.marches_annee x WHERE x.annee = $1 ${where} AND x.centiemes > 0`,
      args: [a.annee, ...params],
    };
  }
  const { declarations, args } = declarationsDuPerimetre(p);
  return { sql: `SELECT DISTINCT d.marche_id, d.operation_id, d.donneur_ordre_id FROM (${declarations}) d`, args };
}

/**
 * The entreprises employing someone for hours (the declaration's employer) or hosting them (the entreprise
 * utilisatrice of a mise à disposition), with their hours by métier of the marché (`metier`, `centiemes`): a
 * declaration's hours count once for each, once when both are the same entreprise.
 */
export function entreprisesDuPerimetre(p: Perimetre): RequeteSql {
  const a = perimetreAgrege(p);
  if (a?.annee != null) {
    const { where, params } = filtreAgrege(a, 'x', 1);
    return {
      sql: `SELECT x.entreprise_id, x.metier, sum(x.centiemes) AS centiemes FROM indicateurs.entreprises_annee x
            WHERE x.annee = $1 ${where} GROUP BY 1, 2 HAVING sum(x.centiemes) > 0`,
      args: [a.annee, ...params],
    };
  }
  const { declarations, args } = declarationsDuPerimetre(p);
  return {
    sql: `SELECT h.entreprise_id, ${metierSql('d')} AS metier, sum(d.centiemes) AS centiemes
          FROM (${declarations}) d JOIN indicateurs.placements pl ON pl.id = d.placement_id
          CROSS JOIN LATERAL (VALUES (d.entreprise_id), (nullif(pl.entreprise_utilisatrice_id, d.entreprise_id))) h (entreprise_id)
          WHERE h.entreprise_id IS NOT NULL GROUP BY 1, 2`,
    args,
  };
}

/** The totals of a scope (hours in hundredths, people and their publics, entreprises, opérations, donneurs d'ordre, marchés). */
export interface TotauxPerimetre {
  centiemes: number;
  centiemesParSecteur: Record<string, number>;
  salaries: number;
  femmes: number;
  centiemesFemmes: number;
  qpv: number;
  centiemesQpv: number;
  moins26: number;
  plus50: number;
  entreprises: number;
  operations: number;
  donneursOrdre: number;
  marches: number;
  /** With `criteresAu`: the people by level of education, and by criterion validated by that day. */
  niveaux?: Array<{ cle: string; n: number }>;
  criteres?: Array<{ cle: string; n: number }>;
}

/**
 * The only query of the totals of calculerIndicateurs (hours, people, publics, entreprises, opérations, donneurs
 * d'ordre, marchés), as defined in its comment: also what the yearly series (series.queries.ts) reads. With
 * `criteresAu` (the end of the period), also the people's levels and criteria, from the same pass over the people.
 */
export async function totauxDuPerimetre(em: EntityManager, p: Perimetre, detail: { criteresAu?: string } = {}): Promise<TotauxPerimetre> {
  const [heures, personnes, marches, entreprises] = [heuresDuPerimetre(p), personnesDuPerimetre(p), marchesDuPerimetre(p), entreprisesDuPerimetre(p)];
  const b = personnes.args.length;
  type Lignes = Promise<Array<Record<string, any>>>;
  const [parSecteur, [t], [m], [e]] = await lireEnsemble(em, [
    (): Lignes => em.query(`SELECT secteur, sum(centiemes)::bigint AS centiemes FROM (${heures.sql}) h GROUP BY secteur`, heures.args),
    // One pass over the people with hours: each count is a filter of the same join.
    (): Lignes => em.query(
      `WITH pe AS MATERIALIZED (
         SELECT pe.salarie_id, pe.centiemes, s.id IS NOT NULL AS connu, s.sexe, s.quartier_qpv, s.tranche_age, s.niveau_formation
         FROM (${personnes.sql}) pe LEFT JOIN indicateurs.salaries s ON s.id = pe.salarie_id
       )
       SELECT count(*)::int AS salaries,
         count(*) FILTER (WHERE sexe = 'F')::int AS femmes,
         coalesce(sum(centiemes) FILTER (WHERE sexe = 'F'), 0)::bigint AS centiemes_femmes,
         count(*) FILTER (WHERE quartier_qpv IS NOT NULL)::int AS qpv,
         coalesce(sum(centiemes) FILTER (WHERE quartier_qpv IS NOT NULL), 0)::bigint AS centiemes_qpv,
         count(*) FILTER (WHERE tranche_age = 'moins_26')::int AS moins26,
         count(*) FILTER (WHERE tranche_age = '50_plus')::int AS plus50
         ${
           detail.criteresAu === undefined
             ? ''
             : `, (SELECT coalesce(json_agg(json_build_object('cle', cle, 'n', n)), '[]') FROM (
                  SELECT niveau_formation AS cle, count(*)::int AS n FROM pe WHERE connu GROUP BY 1) x) AS niveaux,
                (SELECT coalesce(json_agg(json_build_object('cle', cle, 'n', n)), '[]') FROM (
                  SELECT c.critere AS cle, count(DISTINCT e.salarie_id)::int AS n
                  FROM pe JOIN indicateurs.eligibilites e ON e.salarie_id = pe.salarie_id AND e.date_validation <= $${b + 1}
                  CROSS JOIN LATERAL unnest(e.criteres) AS c(critere) GROUP BY 1) x) AS criteres`
         }
       FROM pe`,
      detail.criteresAu === undefined ? personnes.args : [...personnes.args, detail.criteresAu],
    ),
    (): Lignes => em.query(
      `SELECT count(DISTINCT operation_id)::int AS operations, count(DISTINCT donneur_ordre_id)::int AS donneurs_ordre,
         count(DISTINCT marche_id)::int AS marches FROM (${marches.sql}) m`,
      marches.args,
    ),
    (): Lignes => em.query(`SELECT count(DISTINCT entreprise_id)::int AS entreprises FROM (${entreprises.sql}) e`, entreprises.args),
  ] as const);
  // Sums in hundredths, added once: no float drift between the sectors and the total.
  const centiemesParSecteur = Object.fromEntries(parSecteur.map((r) => [r.secteur as string, Number(r.centiemes)]));
  return {
    centiemes: Object.values(centiemesParSecteur).reduce((a, c) => a + c, 0),
    centiemesParSecteur,
    salaries: t.salaries,
    femmes: t.femmes,
    centiemesFemmes: Number(t.centiemes_femmes),
    qpv: t.qpv,
    centiemesQpv: Number(t.centiemes_qpv),
    moins26: t.moins26,
    plus50: t.plus50,
    entreprises: e.entreprises,
    operations: m.operations,
    donneursOrdre: m.donneurs_ordre,
    marches: m.marches,
    ...(detail.criteresAu === undefined ? {} : { niveaux: t.niveaux, criteres: t.criteres }),
  };
}

/**
 * The placements of the marchés in scope: for a national or donneur d'ordre scope, by the donneur d'ordre the
 * projection keeps on each placement (its marché's, null when the read model has no such marché, as the join leaves
 * out), without reading the marchés.
 */
function placementsDuPerimetre(p: Perimetre): RequeteSql {
  const a = perimetreAgrege(p);
  if (a) {
    const { where, params } = filtreAgrege(a, 'pl', 0);
    return { sql: `SELECT pl.* FROM indicateurs.placements pl WHERE pl.donneur_ordre_id IS NOT NULL ${where}`, args: params };
  }
  const { where, params } = filtre(p, 'm');
  return { sql: `SELECT pl.* FROM indicateurs.placements pl JOIN indicateurs.marches m ON m.id = pl.marche_id WHERE true ${where}`, args: params };
}

/**
 * Hires of the period: placements in scope started in [du, au] by direct hire (`embauche_directe`) under a
 * contract of CONTRATS_EMBAUCHE; `personnes` counts the distinct people, `placements` the placements.
 */
export async function compterEmbauches(em: EntityManager, p: Perimetre): Promise<{ personnes: number; placements: number }> {
  const { sql, args: params } = placementsDuPerimetre(p);
  const base = params.length;
  const [r] = await em.query(
    `WITH pl AS (${sql})
     SELECT count(DISTINCT salarie_id)::int AS personnes, count(*)::int AS placements FROM pl
     WHERE date_debut BETWEEN $${base + 1} AND $${base + 2} AND modalite = 'embauche_directe' AND type_contrat = ANY($${base + 3}::text[])`,
    [...params, p.du ?? '0000-01-01', p.au ?? '9999-12-31', CONTRATS_EMBAUCHE],
  );
  return { personnes: r.personnes, placements: r.placements };
}

export type SortiesParPersonne = Pick<
  Indicateurs,
  | 'sorties'
  | 'sortiesPositives'
  | 'sortiesParCategorie'
  | 'personnesEnEmploi'
  | 'categoriesPersonnesEnEmploi'
  | 'placementsTermines'
  | 'placementsSortiePositive'
  | 'placementsTerminesParCategorie'
>;

/**
 * Exits of the period, counted in people and in placements, as defined in calculerIndicateurs' comment
 * (and definitions.ts, the catalogue of the API docs and docs/indicateurs.md): the only query of exits.
 */
export async function sortiesParPersonne(em: EntityManager, p: Perimetre, options: OptionsIndicateurs = {}): Promise<SortiesParPersonne> {
  const categoriesEnEmploi = options.categoriesPersonnesEnEmploi ?? CATEGORIES_PERSONNES_EN_EMPLOI_PAR_DEFAUT;
  const { sql, args: params } = placementsDuPerimetre(p);
  const base = params.length;
  const rows: Array<{
    total: boolean;
    categorie: string | null;
    personnes: number;
    placements: number;
    personnes_positives: number;
    placements_positifs: number;
    emploi: number;
  }> = await em.query(
    `WITH fins AS (SELECT salarie_id, categorie_sortie, sortie_positive FROM (${sql}) pl WHERE date_fin BETWEEN $${base + 1} AND $${base + 2})
     SELECT GROUPING(categorie_sortie) = 1 AS total, categorie_sortie AS categorie, count(DISTINCT salarie_id)::int AS personnes, count(*)::int AS placements,
       count(DISTINCT salarie_id) FILTER (WHERE sortie_positive)::int AS personnes_positives,
       count(*) FILTER (WHERE sortie_positive)::int AS placements_positifs,
       count(DISTINCT salarie_id) FILTER (WHERE categorie_sortie = ANY($${base + 3}::text[]))::int AS emploi
     FROM fins GROUP BY GROUPING SETS ((categorie_sortie), ())`,
    [...params, p.du ?? '0000-01-01', p.au ?? '9999-12-31', [...categoriesEnEmploi]],
  );
  // The grand total (the empty grouping set) counts each person once across categories.
  const total = rows.find((r) => r.total) ?? { personnes: 0, placements: 0, personnes_positives: 0, placements_positifs: 0, emploi: 0 };
  const parCategorie = rows.filter((r) => !r.total && r.categorie !== null);
  const categories = (n: (r: (typeof parCategorie)[number]) => number) => ({
    ...Object.fromEntries(CATEGORIES_SORTIE.map((c) => [c, 0])),
    ...Object.fromEntries(parCategorie.map((r) => [r.categorie as string, n(r)])),
  });
  return {
    sorties: total.personnes,
    sortiesPositives: total.personnes_positives,
    sortiesParCategorie: categories((r) => r.personnes),
    personnesEnEmploi: total.emploi,
    categoriesPersonnesEnEmploi: [...categoriesEnEmploi],
    placementsTermines: total.placements,
    placementsSortiePositive: total.placements_positifs,
    placementsTerminesParCategorie: categories((r) => r.placements),
  };
}

/** The scope's clauses on the marchés (`alias`) and their parameters ($1…): shared with repartitions.queries.ts. */
export function filtre(p: Perimetre, alias: string): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(`AND ${alias}.${column} = $${params.length}`);
  };
  add('donneur_ordre_id', p.donneurOrdreId);
  add('operation_id', p.operationId);
  add('id', p.marcheId);
  add('secteur', p.secteur);
  add('donneur_ordre_id', p.porteeDonneurOrdreId);
  const mots = motsRecherches(p.q);
  if (mots.length > 0) {
    params.push(mots);
    clauses.push(`AND ${contientLesMots([`${alias}.numero`, `${alias}.objet`], `$${params.length}`)}`);
  }
  return { where: clauses.join(' '), params };
}

/** Every sector, at zero: a sector without hours still appears in the figures. */
export function heuresParSecteurVides(): Record<string, number> {
  return Object.fromEntries(SECTEURS.map((s) => [s, 0]));
}

import { conformiteALaDate, type ConformiteALaDate, type HeuresDuMois, type StatutConformite, type TermesMarche } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { filtre, type Perimetre } from './indicateurs.queries';

export interface ConformiteMarche extends ConformiteALaDate {
  marcheId: string;
  numero: string;
  objet: string;
  secteur: string;
  donneurOrdreId: string;
  operationId: string;
  dateDebut: string;
  dateCloture: string | null;
  suiviRegional: boolean;
}

/**
 * The columns every compliance read takes from a projection schema, besides the marché's own: its hours by
 * month (`heures`, after corrections) and the history of its terms (`termes`, in log order), as JSON.
 * `heuresParMois` is a query of (marche_id, mois, centiemes) rows of that schema.
 */
export function colonnesConformite(schema: string, heuresParMois: string): string {
  return `coalesce((SELECT json_agg(json_build_object('mois', h.mois, 'centiemes', h.centiemes))
              FROM (${heuresParMois}) h WHERE h.marche_id = m.id), '[]') AS heures,
       (SELECT json_agg(json_build_object('depuis', t.depuis, 'heuresPrevuesCentiemes', t.heures_prevues_centiemes, 'dateFin', t.date_fin) ORDER BY t.position)
          FROM ${schema}.termes_marches t WHERE t.marche_id = m.id) AS termes`;
}

/** A row read with `colonnesConformite`, judged by the one definition of compliance (`conformiteALaDate`). */
export function conformiteDeLaLigne(m: Record<string, any>, date: string, tolerance: number): ConformiteALaDate {
  const heures = (m.heures as HeuresDuMois[]).map((h) => ({ mois: h.mois, centiemes: Number(h.centiemes) }));
  // Every marché has its registration terms; the current ones stand in if a read model predates the history.
  const termes: TermesMarche[] = (m.termes as TermesMarche[] | null)?.map((t) => ({ ...t, heuresPrevuesCentiemes: Number(t.heuresPrevuesCentiemes) })) ?? [
    { depuis: '0000-01-01', heuresPrevuesCentiemes: Number(m.heures_prevues_centiemes), dateFin: m.date_fin },
  ];
  return conformiteALaDate({ dateDebut: m.date_debut, dateCloture: m.date_cloture, termes }, heures, date, tolerance);
}

/**
 * Compliance at `date` of the marchés in scope: the indicateurs schema's only compliance query. With `periode`,
 * only the marchés whose period may overlap it under any of their terms (a superset of `periodeChevauche`'s,
 * which the caller still applies): a year's report does not judge the whole country's history.
 */
export async function conformites(
  em: EntityManager,
  p: Perimetre,
  date: string,
  tolerance: number,
  periode?: { du: string; au: string },
): Promise<ConformiteMarche[]> {
  const { where, params } = filtre(p, 'm');
  const b = params.length;
  const dansLaPeriode = periode
    ? `AND m.date_debut <= $${b + 2} AND (m.date_cloture IS NULL OR m.date_cloture >= $${b + 1})
       AND (m.date_fin >= $${b + 1} OR EXISTS (SELECT 1 FROM indicateurs.termes_marches t WHERE t.marche_id = m.id AND t.date_fin >= $${b + 1}))`
    : '';
  const rows: Array<Record<string, any>> = await em.query(
    `SELECT m.*, ${colonnesConformite('indicateurs', `SELECT marche_id, mois, centiemes FROM indicateurs.heures_marche_mois`)}
     FROM indicateurs.marches m WHERE true ${where} ${dansLaPeriode} ORDER BY m.numero, m.id`,
    periode ? [...params, periode.du, periode.au] : params,
  );
  return rows.map((m) => ligneConformite(m, date, tolerance));
}

function ligneConformite(m: Record<string, any>, date: string, tolerance: number): ConformiteMarche {
  return {
    marcheId: m.id,
    numero: m.numero,
    objet: m.objet,
    secteur: m.secteur,
    donneurOrdreId: m.donneur_ordre_id,
    operationId: m.operation_id,
    dateDebut: m.date_debut,
    dateCloture: m.date_cloture,
    suiviRegional: m.suivi_regional,
    ...conformiteDeLaLigne(m, date, tolerance),
  };
}


/** The sort keys of the marchés list: a field of `ConformiteMarche`, sorted in the database. */
export const TRIS_CONFORMITE = ['numero', 'tauxRealisation', 'heuresRealisees', 'heuresManquantes', 'heuresPrevues', 'dateFin'] as const;
export type TriConformite = (typeof TRIS_CONFORMITE)[number];

export interface DemandePageConformites {
  tri: TriConformite;
  ordre: 'asc' | 'desc';
  statut?: StatutConformite;
  /** Rows of the page; null: every row (an export). */
  limite: number | null;
  decalage: number;
}

/**
 * The SQL twin of `conformiteALaDate` for sorting, filtering and paging in the database: per marché in scope, the
 * terms in force at the date, realised hours, expected hours, status and missing hours as sort keys. It uses
 * float8 and floor(x + 0.5) exactly as the TypeScript does (Math.round on IEEE doubles), so keys and statuses are
 * the same; a test compares them on random marchés (test/marches-liste.e2e-spec.ts). The values answered still
 * come from `conformiteDeLaLigne`, the one definition.
 * From today on (`depuisAujourdhui`), the terms in force are the marché's current ones (an avenant takes effect
 * the day it is recorded) and its realised hours are `centiemes_realises` (no month is declared before it starts),
 * so each marché is judged on its own row; an earlier date reads its terms' history and its months.
 * Parameters after the scope's: the date, the tolerance.
 */
function clesConformite(where: string, b: number, depuisAujourdhui: boolean): string {
  const [date, tolerance] = [`$${b + 1}::text`, `$${b + 2}::float8`];
  const termesEtHeures = depuisAujourdhui
    ? `CROSS JOIN LATERAL (
         SELECT m.heures_prevues_centiemes AS prevues, m.date_fin, m.date_cloture IS NOT NULL AND m.date_cloture <= ${date} AS close
       ) v
       CROSS JOIN LATERAL (SELECT m.centiemes_realises AS realisees) r`
    : `LEFT JOIN LATERAL (
         SELECT t.heures_prevues_centiemes, t.date_fin FROM indicateurs.termes_marches t WHERE t.marche_id = m.id
         ORDER BY (t.depuis <= ${date}) DESC, CASE WHEN t.depuis <= ${date} THEN t.position ELSE -t.position END DESC LIMIT 1
       ) t ON true
       CROSS JOIN LATERAL (
         SELECT coalesce(t.heures_prevues_centiemes, m.heures_prevues_centiemes) AS prevues, coalesce(t.date_fin, m.date_fin) AS date_fin,
           m.date_cloture IS NOT NULL AND m.date_cloture <= ${date} AS close
       ) v
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(h.centiemes), 0)::bigint AS realisees FROM indicateurs.heures_marche_mois h
         WHERE h.marche_id = m.id AND h.mois <= left(${date}, 7) AND (m.date_cloture IS NULL OR h.mois <= left(m.date_cloture, 7))
       ) r`;
  return `
    SELECT m.id, m.numero COLLATE "C" AS numero, v.prevues AS "heuresPrevues", v.date_fin COLLATE "C" AS "dateFin",
      r.realisees AS "heuresRealisees",
      CASE WHEN v.prevues = 0 THEN 0 ELSE floor(r.realisees::float8 / v.prevues * 10000 + 0.5) / 10000 END AS "tauxRealisation",
      CASE WHEN v.close THEN greatest(0, v.prevues - r.realisees) ELSE greatest(0, a.attendues - r.realisees) END AS "heuresManquantes",
      CASE WHEN v.close THEN CASE WHEN r.realisees >= v.prevues THEN 'atteint' ELSE 'non_atteint' END
           WHEN r.realisees > a.attendues * (1 + ${tolerance}) THEN 'en_avance'
           WHEN r.realisees < a.attendues * (1 - ${tolerance}) THEN 'en_retard'
           ELSE 'conforme' END AS statut
    FROM indicateurs.marches m
    ${termesEtHeures}
    CROSS JOIN LATERAL (SELECT nullif((v.date_fin::date - m.date_debut::date) + 1, 0) AS duree) d
    CROSS JOIN LATERAL (
      SELECT floor(v.prevues::float8 * least(greatest((${date}::date - m.date_debut::date) + 1, 0), d.duree) / d.duree + 0.5) AS attendues
    ) a
    WHERE true ${where}`;
}

/** The date a list judges the marchés at, and the service's today (`ProjectionReader.today`): from today on, the fast path. */
export interface DateDeJugement {
  date: string;
  aujourdhui: string;
  tolerance: number;
}

/** The sort keys and status of every marché in scope, in hundredths, as the list sorts and filters them (checked against the definition by its test). */
export async function clesDeTri(em: EntityManager, p: Perimetre, { date, aujourdhui, tolerance }: DateDeJugement): Promise<Array<Record<string, any>>> {
  const { where, params } = filtre(p, 'm');
  return em.query(`SELECT * FROM (${clesConformite(where, params.length, date >= aujourdhui)}) c ORDER BY c.id`, [...params, date, tolerance]);
}

/** How many marchés in scope have `statut` at `date` (all of them without it): the total of `pageDeConformites`. */
export async function compterConformites(
  em: EntityManager,
  p: Perimetre,
  { date, aujourdhui, tolerance }: DateDeJugement,
  statut: StatutConformite | undefined,
): Promise<number> {
  const { where, params } = filtre(p, 'm');
  const b = params.length;
  const [{ n }] = statut
    ? await em.query(`SELECT count(*)::int AS n FROM (${clesConformite(where, b, date >= aujourdhui)}) c WHERE c.statut = $${b + 3}`, [...params, date, tolerance, statut])
    : await em.query(`SELECT count(*)::int AS n FROM indicateurs.marches m WHERE true ${where}`, params);
  return n;
}

/** A page of `pageDeConformites`, and the total of its filter when the same query counted it (null: count apart). */
export interface PageDeConformites {
  items: ConformiteMarche[];
  total: number | null;
}

/**
 * One page of the marchés in scope with their compliance at `date`, filtered by status, sorted (ties by id, in the
 * same direction) and paged by the database: only the page's rows are read in full and judged. Sorting by number
 * without a status filter reads the index on (numero, id) and judges the page alone. With a status filter every
 * marché's keys are computed anyway: the same query counts the matching ones (`total`, unless the page is empty).
 */
export async function pageDeConformites(
  em: EntityManager,
  p: Perimetre,
  { date, aujourdhui, tolerance }: DateDeJugement,
  demande: DemandePageConformites,
): Promise<PageDeConformites> {
  const { where, params } = filtre(p, 'm');
  const b = params.length;
  const sens = demande.ordre === 'desc' ? 'DESC' : 'ASC';
  const limite = demande.limite === null ? '' : `LIMIT ${demande.limite} OFFSET ${demande.decalage}`;
  const page: Array<{ id: string; total: number | null }> = await em.query(
    `SELECT c.id, ${demande.statut ? 'count(*) OVER ()::int' : 'NULL::int'} AS total
     FROM (${clesConformite(where, b, date >= aujourdhui)}) c ${demande.statut ? `WHERE c.statut = $${b + 3}` : ''}
     ORDER BY c."${demande.tri}" ${sens}, c.id ${sens} ${limite}`,
    [...params, date, tolerance, ...(demande.statut ? [demande.statut] : [])],
  );
  if (page.length === 0) return { items: [], total: null };
  const rows: Array<Record<string, any>> = await em.query(
    `SELECT m.*, ${colonnesConformite('indicateurs', `SELECT marche_id, mois, centiemes FROM indicateurs.heures_marche_mois`)}
     FROM indicateurs.marches m WHERE m.id = ANY($1::uuid[])`,
    [page.map((r) => r.id)],
  );
  const parId = new Map(rows.map((m) => [m.id as string, m]));
  return { items: page.map((r) => ligneConformite(parId.get(r.id)!, date, tolerance)), total: page[0].total };
}

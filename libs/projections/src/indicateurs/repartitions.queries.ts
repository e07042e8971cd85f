import { depuisCentiemes, MODALITES, TYPES_ENTREPRISE } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { apres, entreprisesDuPerimetre, filtre, heuresDuPerimetre, lireEnsemble, marchesDuPerimetre, personnesParOperation, type Perimetre } from './indicateurs.queries';

/**
 * The breakdowns the yearly report carries (issue 13, the 2023 report: "179 entreprises ont accueilli un
 * bénéficiaire : 117 du bâtiment, 11 des travaux publics, 23 des services, 11 EI/AI/ACI, 7 ESAT, 1 EA, 8 ETTI,
 * 1 GEIQ"). Each definition is written here, next to its query, and in definitions.ts (the API docs and docs/indicateurs.md).
 * They cover the same declarations as calculerIndicateurs: after corrections, > 0, of the months overlapping
 * [du, au], on the marchés in scope.
 */

/**
 * The trade of an ordinary company (`classique`), as the report counts them: `batiment` and `travaux_publics`
 * (the `sousSecteur` of a `btp` marché), `services` (marchés of the sectors `services` and
 * `prestations_intellectuelles`: the report's "marchés de services"), and `non_precise` for a `btp` marché
 * recorded before its sub-sector was asked.
 */
export const METIERS = ['batiment', 'travaux_publics', 'services', 'non_precise'] as const;
export type Metier = (typeof METIERS)[number];

export interface Repartitions {
  /** Entreprises counted in `entreprises` (employing or hosting someone with hours), by kind: they add up to `entreprises`. */
  entreprisesParType: Record<string, number>;
  /** The ordinary companies of `entreprisesParType.classique`, by trade (METIERS): they add up to it. */
  entreprisesParMetier: Record<string, number>;
  /** Hours (`heuresRealisees`) by the modalité of their placement: they add up to `heuresRealisees`. */
  heuresParModalite: Record<string, number>;
  /** Hours by the kind of their employer (the placement's entreprise; an ETTI, AI or GEIQ for a mise à disposition). */
  heuresParTypeEmployeur: Record<string, number>;
  /** Hours by month (`AAAA-MM`, in order), months without hours left out: they add up to `heuresRealisees`. */
  heuresParMois: Record<string, number>;
}

/** One line per opération in the yearly report. */
export interface OperationBilan {
  operationId: string;
  nom: string;
  commune: string;
  donneurOrdreId: string;
  /** Its marchés retained (see operationsDuBilan). */
  marches: number;
  /** Their required hours, after amendments: the whole clause, not a share of the period. */
  heuresPrevues: number;
  /** Hours of the period on them. */
  heuresRealisees: number;
  /** Hours of every month up to the end of the period on them: to compare with heuresPrevues. */
  heuresRealiseesCumulees: number;
  /** People (distinct) with hours of the period on them. */
  salaries: number;
}

const zeros = (cles: readonly string[]) => Object.fromEntries(cles.map((c) => [c, 0]));

/** The period's bounds, open when absent, as calculerIndicateurs takes them. */
function bornes(p: Perimetre) {
  const du = p.du ?? '0000-01-01';
  const au = p.au ?? '9999-12-31';
  return { du, au, moisDu: du.slice(0, 7), moisAu: au.slice(0, 7) };
}

/**
 * - entreprisesParType: the entreprises of `entreprises` (the employer of a declaration, and the entreprise
 *   utilisatrice hosting the person of a mise à disposition) counted once each, by their kind (classique, ei,
 *   ai, aci, etti, geiq, esat, ea). An ETTI that provides someone counts as an ETTI, the company hosting them
 *   by its own kind.
 * - entreprisesParMetier: each ordinary company (`classique`) counted once, in its trade: the trade of the
 *   marchés where it employed or hosted someone in the period, the one with the most hours of the period
 *   (bâtiment or travaux publics by the btp marché's sousSecteur; services for services and prestations
 *   intellectuelles; on a tie, the first of batiment, travaux_publics, services, non_precise).
 * - heuresParModalite: the hours by the modalité of the placement declared (embauche_directe,
 *   mise_a_disposition, sous_traitance_siae, formation).
 * - heuresParTypeEmployeur: the hours by the kind of the placement's employer (the ETTI, AI or GEIQ for a mise
 *   à disposition, not the company hosting the person).
 */
export async function calculerRepartitions(em: EntityManager, p: Perimetre): Promise<Repartitions> {
  const hotes = entreprisesDuPerimetre(p);
  const b = hotes.args.length;
  const { sql, args } = heuresDuPerimetre(p);
  const [entreprises, heures, mois] = await lireEnsemble(em, [
    (): Promise<Array<{ type: string; metier: string; n: number }>> =>
      em.query(
        `WITH metier AS (
           SELECT DISTINCT ON (entreprise_id) entreprise_id, metier FROM (${hotes.sql}) h
           ORDER BY entreprise_id, centiemes DESC, array_position($${b + 1}::text[], metier)
         )
         SELECT e.type, m.metier, count(*)::int AS n FROM metier m JOIN indicateurs.entreprises e ON e.id = m.entreprise_id GROUP BY 1, 2`,
        [...hotes.args, [...METIERS]],
      ),
    // Hours of an employer the read model does not know (type '') count in neither breakdown, as a join on entreprises does.
    (): Promise<Array<{ modalite: string; type: string; centiemes: string }>> =>
      em.query(
        `SELECT h.modalite, h.type_employeur AS type, sum(h.centiemes)::bigint AS centiemes FROM (${sql}) h WHERE h.type_employeur <> '' GROUP BY 1, 2`,
        args,
      ),
    (): Promise<Array<{ mois: string; centiemes: string }>> =>
      em.query(`SELECT h.mois, sum(h.centiemes)::bigint AS centiemes FROM (${sql}) h GROUP BY 1 ORDER BY 1`, args),
  ] as const);

  const entreprisesParType = zeros(TYPES_ENTREPRISE);
  const entreprisesParMetier = zeros(METIERS);
  for (const r of entreprises) {
    entreprisesParType[r.type] = (entreprisesParType[r.type] ?? 0) + r.n;
    if (r.type === 'classique') entreprisesParMetier[r.metier] = (entreprisesParMetier[r.metier] ?? 0) + r.n;
  }
  // Sums in hundredths, converted once: no float drift between a breakdown and heuresRealisees.
  const parModalite = zeros(MODALITES);
  const parType = zeros(TYPES_ENTREPRISE);
  for (const r of heures) {
    parModalite[r.modalite] = (parModalite[r.modalite] ?? 0) + Number(r.centiemes);
    parType[r.type] = (parType[r.type] ?? 0) + Number(r.centiemes);
  }
  const enHeures = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, depuisCentiemes(v)]));
  return {
    entreprisesParType,
    entreprisesParMetier,
    heuresParModalite: enHeures(parModalite),
    heuresParTypeEmployeur: enHeures(parType),
    heuresParMois: Object.fromEntries(mois.map((m) => [m.mois, depuisCentiemes(Number(m.centiemes))])),
  };
}

/**
 * The opérations of the report: those having a marché in scope whose performance period (under the terms in
 * force at the end of the period, cut short by a closing, as the report's compliance judges it) overlaps
 * [du, au], or with hours of the period (a marché may take hours of its last months after its end).
 * Those marchés are the operation's `marches`; `heuresPrevues` adds up their required hours under those
 * terms (the whole clause); `heuresRealisees` their hours of the period and `salaries` the distinct people with
 * hours of the period, as in calculerIndicateurs; `heuresRealiseesCumulees` their hours of every month up
 * to the end of the period, since the start of the marchés (what heuresPrevues is to be compared with).
 * Sorted by name.
 */
export async function operationsDuBilan(em: EntityManager, p: Perimetre): Promise<OperationBilan[]> {
  const { where, params } = filtre(p, 'm');
  const { du, au, moisDu, moisAu } = bornes(p);
  const b = params.length;
  const avecHeures = apres(marchesDuPerimetre(p), b + 4);
  const personnes = apres(personnesParOperation(p), b + 4 + avecHeures.args.length);
  const rows: Array<Record<string, any>> = await em.query(
    `WITH m0 AS MATERIALIZED (
       -- The marchés the report may retain, without judging every marché of the country: those whose period may
       -- overlap [du, au] under any of their terms (a superset of the overlap judged below), and those with hours.
       SELECT m.id, m.operation_id, m.date_debut, m.heures_prevues_centiemes, m.date_fin, m.date_cloture
       FROM indicateurs.marches m WHERE true ${where}
         AND ((m.date_debut <= $${b + 4} AND (m.date_cloture IS NULL OR m.date_cloture >= $${b + 3})
               AND (m.date_fin >= $${b + 3} OR EXISTS (SELECT 1 FROM indicateurs.termes_marches t WHERE t.marche_id = m.id AND t.date_fin >= $${b + 3})))
              OR m.id IN (SELECT a.marche_id FROM (${avecHeures.sql}) a))
     ),
     -- The terms in force at the end of the period (else the registered ones), and the period cut
     -- short by a closing: the same marchés and required hours as the report's compliance.
     termes AS (
       SELECT DISTINCT ON (t.marche_id) t.marche_id, t.heures_prevues_centiemes, t.date_fin
       FROM indicateurs.termes_marches t JOIN m0 ON m0.id = t.marche_id
       ORDER BY t.marche_id, (t.depuis <= $${b + 4}) DESC, CASE WHEN t.depuis <= $${b + 4} THEN t.position ELSE -t.position END DESC
     ),
     -- Hours by marché from the months kept by the projection (a sum over declarations, zeros adding nothing).
     heures AS (
       SELECT h.marche_id, coalesce(sum(h.centiemes) FILTER (WHERE h.mois >= $${b + 1}), 0) AS periode, sum(h.centiemes) AS cumul
       FROM indicateurs.heures_marche_mois h JOIN m0 ON m0.id = h.marche_id WHERE h.mois <= $${b + 2} GROUP BY h.marche_id
     ),
     m AS (
       SELECT m0.id, m0.operation_id, m0.date_debut,
         coalesce(t.heures_prevues_centiemes, m0.heures_prevues_centiemes) AS heures_prevues_centiemes,
         least(coalesce(t.date_fin, m0.date_fin), coalesce(m0.date_cloture, coalesce(t.date_fin, m0.date_fin))) AS date_fin,
         coalesce(h.periode, 0) AS periode, coalesce(h.cumul, 0) AS cumul
       FROM m0 LEFT JOIN termes t ON t.marche_id = m0.id LEFT JOIN heures h ON h.marche_id = m0.id
     ),
     retenus AS (SELECT m.* FROM m WHERE (m.date_debut <= $${b + 4} AND m.date_fin >= $${b + 3}) OR m.periode > 0),
     prevues AS (
       SELECT operation_id, count(*)::int AS marches, sum(heures_prevues_centiemes)::bigint AS prevues,
         sum(periode)::bigint AS periode, sum(cumul)::bigint AS cumul
       FROM retenus GROUP BY 1
     ),
     -- Every marché with hours in the period is retained: its opération's people are those of the scope's hours.
     salaries AS (SELECT pe.operation_id, count(*)::int AS salaries FROM (${personnes.sql}) pe GROUP BY 1)
     SELECT o.id, o.nom, o.commune, o.donneur_ordre_id, pr.marches, pr.prevues, pr.periode, pr.cumul, coalesce(s.salaries, 0)::int AS salaries
     FROM prevues pr JOIN indicateurs.operations o ON o.id = pr.operation_id LEFT JOIN salaries s ON s.operation_id = pr.operation_id
     ORDER BY o.nom, o.id`,
    [...params, moisDu, moisAu, du, au, ...avecHeures.args, ...personnes.args],
  );
  return rows.map((r) => ({
    operationId: r.id,
    nom: r.nom,
    commune: r.commune,
    donneurOrdreId: r.donneur_ordre_id,
    marches: r.marches,
    heuresPrevues: depuisCentiemes(Number(r.prevues)),
    heuresRealisees: depuisCentiemes(Number(r.periode)),
    heuresRealiseesCumulees: depuisCentiemes(Number(r.cumul)),
    salaries: r.salaries,
  }));
}

import { BASES_JURIDIQUES, SECTEURS, TYPES_DONNEUR_ORDRE } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { marchesDuPerimetre, type Perimetre } from './indicateurs.queries';

/**
 * The breakdowns the national consolidation export (issue 13, GET /exports/consolidation/{annee}) needs and
 * that no other query computes. They cover the same declarations as calculerIndicateurs (after corrections,
 * > 0, of the months overlapping [du, au], on the marchés in scope), so that each breakdown adds up to the
 * matching total of calculerIndicateurs:
 * - donneursOrdreParType: the donneurs d'ordre (maîtres d'ouvrage) of `donneursOrdre` (those whose marchés have
 *   hours in the period), once each, by their kind (TYPES_DONNEUR_ORDRE); they add up to `donneursOrdre`.
 * - marchesParBaseJuridique, marchesParSecteur: the marchés of `marches` (those with hours in the period), once
 *   each, by their legal basis (BASES_JURIDIQUES) and by their sector (SECTEURS); each adds up to `marches`.
 *   A marché whose performance period overlaps the period but without hours in it is not counted: the export
 *   consolidates realised insertion, and its marchés must be those its hours come from.
 */
export interface RepartitionsConsolidation {
  donneursOrdreParType: Record<string, number>;
  marchesParBaseJuridique: Record<string, number>;
  marchesParSecteur: Record<string, number>;
}

const zeros = (cles: readonly string[]) => Object.fromEntries(cles.map((c) => [c, 0]));

export async function calculerRepartitionsConsolidation(em: EntityManager, p: Perimetre): Promise<RepartitionsConsolidation> {
  // The marchés of `marches` (with hours in the period), from the aggregates or the declarations as calculerIndicateurs reads them.
  const { sql, args } = marchesDuPerimetre(p);
  const marches: Array<{ base_juridique: string; secteur: string; n: number }> = await em.query(
    `SELECT m.base_juridique, m.secteur, count(*)::int AS n FROM (${sql}) a JOIN indicateurs.marches m ON m.id = a.marche_id GROUP BY 1, 2`,
    args,
  );
  const donneurs: Array<{ type: string; n: number }> = await em.query(
    `SELECT o.type, count(*)::int AS n FROM indicateurs.donneurs_ordre o
     WHERE o.id IN (SELECT a.donneur_ordre_id FROM (${sql}) a) GROUP BY 1`,
    args,
  );

  const donneursOrdreParType = zeros(TYPES_DONNEUR_ORDRE);
  for (const r of donneurs) donneursOrdreParType[r.type] = (donneursOrdreParType[r.type] ?? 0) + r.n;
  const marchesParBaseJuridique = zeros(BASES_JURIDIQUES);
  const marchesParSecteur = zeros(SECTEURS);
  for (const r of marches) {
    marchesParBaseJuridique[r.base_juridique] = (marchesParBaseJuridique[r.base_juridique] ?? 0) + r.n;
    marchesParSecteur[r.secteur] = (marchesParSecteur[r.secteur] ?? 0) + r.n;
  }
  return { donneursOrdreParType, marchesParBaseJuridique, marchesParSecteur };
}

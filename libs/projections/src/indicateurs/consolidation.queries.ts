import { BASES_JURIDIQUES, SECTEURS, TYPES_DONNEUR_ORDRE } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { filtre, type Perimetre } from './indicateurs.queries';

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
  const { where, params } = filtre(p, 'm');
  const moisDu = p.du ? p.du.slice(0, 7) : '0000-01';
  const moisAu = p.au ? p.au.slice(0, 7) : '9999-12';
  const base = params.length;
  const marchesAvecHeures = `
    SELECT DISTINCT m.id, m.donneur_ordre_id, m.base_juridique, m.secteur
    FROM indicateurs.declarations d JOIN indicateurs.marches m ON m.id = d.marche_id
    WHERE d.centiemes > 0 AND d.mois BETWEEN $${base + 1} AND $${base + 2} ${where}`;
  const args = [...params, moisDu, moisAu];

  const marches: Array<{ base_juridique: string; secteur: string; n: number }> = await em.query(
    `WITH ma AS (${marchesAvecHeures}) SELECT base_juridique, secteur, count(*)::int AS n FROM ma GROUP BY 1, 2`,
    args,
  );
  const donneurs: Array<{ type: string; n: number }> = await em.query(
    `WITH ma AS (${marchesAvecHeures})
     SELECT o.type, count(*)::int AS n FROM indicateurs.donneurs_ordre o
     WHERE o.id IN (SELECT donneur_ordre_id FROM ma) GROUP BY 1`,
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

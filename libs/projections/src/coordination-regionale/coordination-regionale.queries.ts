import { depuisCentiemes, etpDe, HEURES_PAR_ETP, type ConformiteALaDate } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { colonnesConformite, conformiteDeLaLigne } from '../indicateurs/conformites.queries';
import { heuresParSecteurVides } from '../indicateurs/indicateurs.queries';

export interface MarcheSuivi extends ConformiteALaDate {
  marcheId: string;
  numero: string;
  objet: string;
  secteur: string;
  donneurOrdreId: string;
  donneurOrdreNom: string;
  dateDebut: string;
  dateCloture: string | null;
}

/** Followed now, or at some point of [$1, $2] (a follow period stopped the day it started is empty). */
// A union of ids rather than `suivi OR EXISTS`: each side reads its index instead of every marché of the country.
const SUIVIS_DANS_LA_PERIODE = `m.id IN (
  SELECT s.id FROM coordination.marches s WHERE s.suivi
  UNION SELECT p.marche_id FROM coordination.periodes_suivi p WHERE p.du <= $2 AND (p.au IS NULL OR (p.au > $1 AND p.au > p.du)))`;

/** How many marchés `marchesSuivis` answers for the same period: the total of its pages. */
export async function compterMarchesSuivis(em: EntityManager, periode: { du: string; au: string }): Promise<number> {
  const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM coordination.marches m WHERE ${SUIVIS_DANS_LA_PERIODE}`, [periode.du, periode.au]);
  return n;
}

/**
 * The marchés of the coordination: those it follows now, and those it followed at some point of `periode`
 * (by default the day `date`; a follow period runs from its start day, included, to its stop day, excluded:
 * started and stopped the same day, it is empty),
 * even if no longer followed. Each with its compliance at `date` by the one definition (`conformiteALaDate`:
 * terms in force at the date, hours capped at the closing, the later ones apart): the coordination schema's
 * only compliance query. With `page`, that page only (the order is the database's: donneur d'ordre, number, id).
 */
export async function marchesSuivis(
  em: EntityManager,
  date: string,
  tolerance: number,
  periode: { du: string; au: string } = { du: date, au: date },
  page?: { limite: number; decalage: number },
): Promise<MarcheSuivi[]> {
  const rows: Array<Record<string, any>> = await em.query(
    `SELECT m.*, d.nom AS donneur_ordre_nom, ${colonnesConformite('coordination', 'SELECT marche_id, mois, centiemes FROM coordination.heures')}
     FROM coordination.marches m JOIN coordination.donneurs_ordre d ON d.id = m.donneur_ordre_id
     WHERE ${SUIVIS_DANS_LA_PERIODE}
     ORDER BY d.nom, m.numero, m.id ${page ? `LIMIT ${page.limite} OFFSET ${page.decalage}` : ''}`,
    [periode.du, periode.au],
  );
  return rows.map((m) => ({
    marcheId: m.id,
    numero: m.numero,
    objet: m.objet,
    secteur: m.secteur,
    donneurOrdreId: m.donneur_ordre_id,
    donneurOrdreNom: m.donneur_ordre_nom,
    dateDebut: m.date_debut,
    dateCloture: m.date_cloture,
    ...conformiteDeLaLigne(m, date, tolerance),
  }));
}

export interface IndicateursCoordination {
  marchesSuivis: number;
  donneursOrdre: number;
  heuresPrevues: number;
  /** Every hour declared for the months of the period, after a closing too (as /indicateurs counts them). */
  heuresRealisees: number;
  etp: number;
  heuresParSecteur: Record<string, number>;
  marchesParStatut: Record<string, number>;
  /** Of the followed marchés closed at `date`: the hours of months after their closing, not counted in their compliance. */
  heuresApresCloture: number;
}

/**
 * The coordination's totals over its marchés (followed now, or at some point of [du, au]): hours of the months in
 * [du, au], statuses at `date`.
 */
export async function indicateursCoordination(
  em: EntityManager,
  periode: { du?: string; au?: string },
  date: string,
  tolerance: number,
  /** Hours of one full-time equivalent, the divisor of `etp` (setting HEURES_PAR_ETP). */
  heuresParEtp: number = HEURES_PAR_ETP,
): Promise<IndicateursCoordination> {
  const suivis = await marchesSuivis(em, date, tolerance, { du: periode.du ?? '0000-01-01', au: periode.au ?? '9999-12-31' });
  // The followed marchés as a relation joined to their months (by the key of `heures`): `= ANY(array)` as a filter
  // compared every month of the country with every followed marché (3.8 s on the national bench data).
  const parSecteur: Array<{ secteur: string; centiemes: string }> = await em.query(
    `SELECT m.secteur, sum(h.centiemes)::bigint AS centiemes
     FROM (SELECT DISTINCT id FROM unnest($3::uuid[]) AS s (id)) s JOIN coordination.marches m ON m.id = s.id
     JOIN coordination.heures h ON h.marche_id = m.id AND h.mois BETWEEN $1 AND $2 GROUP BY m.secteur`,
    [periode.du?.slice(0, 7) ?? '0000-01', periode.au?.slice(0, 7) ?? '9999-12', suivis.map((m) => m.marcheId)],
  );
  const centiemes = parSecteur.reduce((s, r) => s + Number(r.centiemes), 0);
  const heuresParSecteur = heuresParSecteurVides();
  for (const r of parSecteur) heuresParSecteur[r.secteur] = depuisCentiemes(Number(r.centiemes));
  const marchesParStatut: Record<string, number> = {};
  for (const m of suivis) marchesParStatut[m.statut] = (marchesParStatut[m.statut] ?? 0) + 1;
  return {
    marchesSuivis: suivis.length,
    donneursOrdre: new Set(suivis.map((m) => m.donneurOrdreId)).size,
    heuresPrevues: depuisCentiemes(suivis.reduce((s, m) => s + Math.round(m.heuresPrevues * 100), 0)),
    heuresRealisees: depuisCentiemes(centiemes),
    etp: etpDe(centiemes, heuresParEtp),
    heuresParSecteur,
    marchesParStatut,
    heuresApresCloture: depuisCentiemes(suivis.reduce((s, m) => s + Math.round(m.heuresApresCloture * 100), 0)),
  };
}

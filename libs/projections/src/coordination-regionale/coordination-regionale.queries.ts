import { conformite, depuisCentiemes, etpDe, type Conformite } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import { heuresParSecteurVides } from '../indicateurs/indicateurs.queries';

export interface MarcheSuivi extends Conformite {
  marcheId: string;
  numero: string;
  objet: string;
  secteur: string;
  donneurOrdreId: string;
  donneurOrdreNom: string;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
}

/** The marchés the coordination follows now, with their progress at `date`. */
export async function marchesSuivis(em: EntityManager, date: string, tolerance: number): Promise<MarcheSuivi[]> {
  const rows: Array<Record<string, any>> = await em.query(
    `SELECT m.*, d.nom AS donneur_ordre_nom,
       coalesce((SELECT sum(h.centiemes) FROM coordination.heures h WHERE h.marche_id = m.id AND h.mois <= $1), 0)::bigint AS realisees
     FROM coordination.marches m JOIN coordination.donneurs_ordre d ON d.id = m.donneur_ordre_id
     WHERE m.suivi ORDER BY d.nom, m.numero, m.id`,
    [date.slice(0, 7)],
  );
  return rows.map((m) => ({
    marcheId: m.id,
    numero: m.numero,
    objet: m.objet,
    secteur: m.secteur,
    donneurOrdreId: m.donneur_ordre_id,
    donneurOrdreNom: m.donneur_ordre_nom,
    dateDebut: m.date_debut,
    dateFin: m.date_fin,
    dateCloture: m.date_cloture,
    ...conformite(
      { heuresPrevuesCentiemes: Number(m.heures_prevues_centiemes), dateDebut: m.date_debut, dateFin: m.date_fin, dateCloture: m.date_cloture },
      Number(m.realisees),
      date,
      tolerance,
    ),
  }));
}

export interface IndicateursCoordination {
  marchesSuivis: number;
  donneursOrdre: number;
  heuresPrevues: number;
  heuresRealisees: number;
  etp: number;
  heuresParSecteur: Record<string, number>;
  marchesParStatut: Record<string, number>;
}

/** The coordination's totals over its followed marchés: hours of the months in [du, au], statuses at `date`. */
export async function indicateursCoordination(
  em: EntityManager,
  periode: { du?: string; au?: string },
  date: string,
  tolerance: number,
): Promise<IndicateursCoordination> {
  const suivis = await marchesSuivis(em, date, tolerance);
  const parSecteur: Array<{ secteur: string; centiemes: string }> = await em.query(
    `SELECT m.secteur, sum(h.centiemes)::bigint AS centiemes FROM coordination.heures h JOIN coordination.marches m ON m.id = h.marche_id
     WHERE m.suivi AND h.mois BETWEEN $1 AND $2 GROUP BY m.secteur`,
    [periode.du?.slice(0, 7) ?? '0000-01', periode.au?.slice(0, 7) ?? '9999-12'],
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
    etp: etpDe(centiemes),
    heuresParSecteur,
    marchesParStatut,
  };
}

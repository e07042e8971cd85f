import { conformiteALaDate, type ConformiteALaDate, type HeuresDuMois, type TermesMarche } from '@suivi/domain';
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

/** Compliance at `date` of the marchés in scope: the indicateurs schema's only compliance query. */
export async function conformites(em: EntityManager, p: Perimetre, date: string, tolerance: number): Promise<ConformiteMarche[]> {
  const { where, params } = filtre(p, 'm');
  const rows: Array<Record<string, any>> = await em.query(
    `SELECT m.*, ${colonnesConformite('indicateurs', `SELECT marche_id, mois, centiemes FROM indicateurs.heures_marche_mois`)}
     FROM indicateurs.marches m WHERE true ${where} ORDER BY m.numero, m.id`,
    params,
  );
  return rows.map((m) => ({
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
  }));
}


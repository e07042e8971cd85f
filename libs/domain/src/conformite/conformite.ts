import { depuisCentiemes } from '../values/heures';
import type { DateIso } from '../values/dates';

export type StatutConformite = 'en_avance' | 'conforme' | 'en_retard' | 'atteint' | 'non_atteint';

export interface MarchePourConformite {
  heuresPrevuesCentiemes: number;
  dateDebut: DateIso;
  dateFin: DateIso;
  dateCloture: DateIso | null;
}

export interface Conformite {
  heuresPrevues: number;
  heuresRealisees: number;
  /** Realised / required, 0 when nothing is required. */
  tauxRealisation: number;
  /** Required hours pro rata of the performance period elapsed at the date. */
  heuresAttendues: number;
  statut: StatutConformite;
  /** Closed: required − realised (what penalties are computed on). Open: expected − realised. Never negative. */
  heuresManquantes: number;
}

export const TOLERANCE_PAR_DEFAUT = 0.1;

const JOUR_MS = 86_400_000;
const jours = (from: DateIso, to: DateIso) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / JOUR_MS;

/**
 * The compliance of a marché at a date, as a funder audits it:
 * - expected hours = required × (days elapsed, both ends included) / (days of the period), within [0, 1];
 * - open marché: `en_avance` above expected × (1 + tolerance), `en_retard` below expected × (1 − tolerance),
 *   `conforme` in between (before the period starts, nothing is expected: `conforme`, or `en_avance` if hours exist);
 * - closed at or before the date: `atteint` when realised ≥ required, otherwise `non_atteint`.
 */
export function conformite(marche: MarchePourConformite, realiseesCentiemes: number, date: DateIso, tolerance = TOLERANCE_PAR_DEFAUT): Conformite {
  const prevues = marche.heuresPrevuesCentiemes;
  const duree = jours(marche.dateDebut, marche.dateFin) + 1;
  const ecoule = Math.min(Math.max(jours(marche.dateDebut, date) + 1, 0), duree);
  const attendues = Math.round((prevues * ecoule) / duree);
  const cloture = marche.dateCloture !== null && marche.dateCloture <= date;
  let statut: StatutConformite;
  let manquantes: number;
  if (cloture) {
    statut = realiseesCentiemes >= prevues ? 'atteint' : 'non_atteint';
    manquantes = Math.max(0, prevues - realiseesCentiemes);
  } else {
    if (realiseesCentiemes > attendues * (1 + tolerance)) statut = 'en_avance';
    else if (realiseesCentiemes < attendues * (1 - tolerance)) statut = 'en_retard';
    else statut = 'conforme';
    manquantes = Math.max(0, attendues - realiseesCentiemes);
  }
  return {
    heuresPrevues: depuisCentiemes(prevues),
    heuresRealisees: depuisCentiemes(realiseesCentiemes),
    tauxRealisation: prevues === 0 ? 0 : Math.round((realiseesCentiemes / prevues) * 10_000) / 10_000,
    heuresAttendues: depuisCentiemes(attendues),
    statut,
    heuresManquantes: depuisCentiemes(manquantes),
  };
}

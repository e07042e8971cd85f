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

/**
 * The terms of a marché (required hours, end of the period) from a date on: the terms it was
 * registered with, then one entry per avenant. An avenant takes effect on the day it was concluded,
 * that is the Paris calendar day of its event's `occurredAt` (the event carries no date of its own):
 * compliance asked for an earlier date keeps answering the terms in force then.
 */
export interface TermesMarche {
  depuis: DateIso;
  heuresPrevuesCentiemes: number;
  dateFin: DateIso;
}

/** The terms in force at `date` among `termes` (in log order): the last one dated at or before it, else the first (the terms as registered). */
export function termesEnVigueur<T extends TermesMarche>(termes: readonly T[], date: DateIso): T {
  if (termes.length === 0) throw new Error('un marché a toujours ses termes d’origine');
  let enVigueur = termes[0];
  for (const t of termes) if (t.depuis <= date) enVigueur = t;
  return enVigueur;
}

/** What the compliance of a marché needs besides its hours: its start, its closing and the history of its terms. */
export interface MarcheHistorise {
  dateDebut: DateIso;
  dateCloture: DateIso | null;
  termes: readonly TermesMarche[];
}

export interface HeuresDuMois {
  mois: string;
  centiemes: number;
}

export interface ConformiteALaDate extends Conformite {
  /** The end of the period in force at the date. */
  dateFin: DateIso;
  /**
   * Hours declared for months after the closing month of a marché closed at the date: worked and counted in
   * /indicateurs and /bilans hours, but not in the clause's `heuresRealisees` (the closing caps them).
   */
  heuresApresCloture: number;
}

/**
 * The one definition of a marché's compliance at a date, for every view (/marches/{id}/conformite, /marches,
 * /coordination-regionale, /bilans):
 * - the terms (required hours, dateFin) are those in force at the date (`termesEnVigueur`);
 * - realised hours are those of the months up to the date's month, and, once the marché is closed, up to the
 *   closing month: hours of later months (a declaration racing the closing, or a closing dated back) are
 *   reported apart in `heuresApresCloture`;
 * - pro rata, tolerance and statuses: `conformite`.
 */
export function conformiteALaDate(
  marche: MarcheHistorise,
  heures: readonly HeuresDuMois[],
  date: DateIso,
  tolerance = TOLERANCE_PAR_DEFAUT,
): ConformiteALaDate {
  const termes = termesEnVigueur(marche.termes, date);
  const moisDate = date.slice(0, 7);
  const moisCloture = marche.dateCloture?.slice(0, 7) ?? null;
  const clotureALaDate = marche.dateCloture !== null && marche.dateCloture <= date;
  let realisees = 0;
  let apresCloture = 0;
  for (const h of heures) {
    if (moisCloture !== null && h.mois > moisCloture) {
      if (clotureALaDate) apresCloture += h.centiemes;
    } else if (h.mois <= moisDate) realisees += h.centiemes;
  }
  return {
    dateFin: termes.dateFin,
    heuresApresCloture: depuisCentiemes(apresCloture),
    ...conformite(
      { heuresPrevuesCentiemes: termes.heuresPrevuesCentiemes, dateDebut: marche.dateDebut, dateFin: termes.dateFin, dateCloture: marche.dateCloture },
      realisees,
      date,
      tolerance,
    ),
  };
}

/**
 * Whether a marché's performance period, [dateDebut, dateFin], ended early by a closing dated before
 * dateFin, overlaps [du, au]: the marchés a yearly report judges.
 */
export function periodeChevauche(marche: { dateDebut: DateIso; dateFin: DateIso; dateCloture: DateIso | null }, du: DateIso, au: DateIso): boolean {
  const fin = marche.dateCloture !== null && marche.dateCloture < marche.dateFin ? marche.dateCloture : marche.dateFin;
  return marche.dateDebut <= au && fin >= du;
}

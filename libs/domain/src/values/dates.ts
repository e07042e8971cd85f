import { DomainError } from '../domain-error';

/** A calendar date `YYYY-MM-DD` (no time, no zone). String order is date order. */
export type DateIso = string;
/** A month `YYYY-MM`. String order is month order. */
export type Mois = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MOIS = /^(\d{4})-(\d{2})$/;

export function estDateValide(value: unknown): value is DateIso {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function estMoisValide(value: unknown): value is Mois {
  if (typeof value !== 'string') return false;
  const m = MOIS.exec(value);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

export function verifierDate(value: unknown, champ: string): asserts value is DateIso {
  if (!estDateValide(value)) {
    throw new DomainError('DATE_INVALIDE', `${champ} doit être une date réelle au format AAAA-MM-JJ (reçu : ${String(value)}).`, {
      champ,
      valeur: value,
    });
  }
}

export function verifierMois(value: unknown, champ = 'mois'): asserts value is Mois {
  if (!estMoisValide(value)) {
    throw new DomainError('MOIS_INVALIDE', `${champ} doit être un mois au format AAAA-MM (reçu : ${String(value)}).`, {
      champ,
      valeur: value,
    });
  }
}

export function moisDe(date: DateIso): Mois {
  return date.slice(0, 7);
}

const JOUR_A_PARIS = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of an instant in France (Europe/Paris): "today" for the facilitatrices, even just after midnight. */
export function jourDe(instant: Date): DateIso {
  return JOUR_A_PARIS.format(instant);
}

/** Whole years between a birth date and a date. */
export function ageAu(dateNaissance: DateIso, date: DateIso): number {
  const [y1, m1, d1] = dateNaissance.split('-').map(Number);
  const [y2, m2, d2] = date.split('-').map(Number);
  return y2 - y1 - (m2 < m1 || (m2 === m1 && d2 < d1) ? 1 : 0);
}

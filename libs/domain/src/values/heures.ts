import { DomainError } from '../domain-error';

/** The legal monthly maximum for one person across all placements (48 h a week ≈ 220 h a month). */
export const HEURES_MAX_PAR_MOIS = 220;

/**
 * Hours are decimal numbers with at most 2 decimals; arithmetic is done in hundredths
 * (integers) so that sums and comparisons are exact.
 */
export function enCentiemes(heures: number): number {
  return Math.round(heures * 100);
}

export function depuisCentiemes(centiemes: number): number {
  return centiemes / 100;
}

/** Exactly a number of hundredths: 1e-9 or 5e-324 are not "0 with 2 decimals", they are refused. */
export function aAuPlusDeuxDecimales(heures: number): boolean {
  return Number.isFinite(heures) && Math.round(heures * 100) / 100 === heures;
}

/** Hours worked in a month: strictly positive, at most 2 decimals, at most the monthly maximum. */
export function verifierHeuresDeclarees(heures: number, champ = 'heures'): void {
  if (!(typeof heures === 'number' && heures > 0 && aAuPlusDeuxDecimales(heures))) {
    throw new DomainError(
      'HEURES_INVALIDES',
      `Le nombre d'heures doit être strictement positif avec au plus 2 décimales (reçu : ${heures}).`,
      { champ, heures },
    );
  }
  if (heures > HEURES_MAX_PAR_MOIS) {
    throw new DomainError(
      'HEURES_MAX_MOIS_DEPASSEES',
      `Une personne ne peut pas travailler plus de ${HEURES_MAX_PAR_MOIS} heures dans un mois (reçu : ${heures}).`,
      { champ, heures, maximum: HEURES_MAX_PAR_MOIS },
    );
  }
}

/**
 * The most hours a marché may require: far above any real clause (the largest reach a few hundred
 * thousand hours), and small enough that sums over every marché of the country stay exact in the
 * read models' bigint hundredths.
 */
export const HEURES_PREVUES_MAX = 10_000_000;

/** Hours in the longest month: a monthly figure above it is malformed, not a broken business rule. */
export const HEURES_MOIS_PLAFOND = 744;

/** A volume of hours (required hours of a marché, a correction): zero allowed, at most 2 decimals, at most `max`. */
export function verifierVolumeHeures(heures: number, champ: string, max: number): void {
  if (!(typeof heures === 'number' && heures >= 0 && heures <= max && aAuPlusDeuxDecimales(heures))) {
    throw new DomainError(
      'HEURES_INVALIDES',
      `${champ} doit être un nombre d'heures de 0 à ${max.toLocaleString('fr-FR')} avec au plus 2 décimales (reçu : ${heures}).`,
      { champ, heures, maximum: max },
    );
  }
}

/**
 * Hours of one full-time equivalent over a year (the funder's convention): the default of the setting
 * HEURES_PAR_ETP (`libs/config`), which every ETP figure of the API uses.
 */
export const HEURES_PAR_ETP = 1607;

/** Full-time equivalents of a number of hours (in hundredths), with 2 decimals: hours / `heuresParEtp`. */
export function etpDe(centiemes: number, heuresParEtp: number = HEURES_PAR_ETP): number {
  return Math.round((centiemes / 100 / heuresParEtp) * 100) / 100;
}

import { DomainError } from '../domain-error';

/**
 * Sizing the insertion hours of a marché or a lot (issue 13): the facilitation team's rule of
 * thumb, "amount × labour share × insertion rate ÷ hourly labour cost". Pure: the bounds, the
 * exact computation and its French wording; the table of trades lives in `metiers.ts`.
 */

/** Far above any single marché; keeps amount × 100 × 10,000 × 10,000 exact in BigInt and the hours a safe integer. */
export const MONTANT_HT_MAX = 10_000_000_000;
export const COUT_HORAIRE_MIN = 1;
export const COUT_HORAIRE_MAX = 1000;
/** The table's cost until the facilitation team sets one (issue 13: 30 € an hour). */
export const COUT_HORAIRE_DEFAUT = 30;

export interface FacteursCalibration {
  montantHT: number;
  partMainOeuvre: number;
  tauxInsertion: number;
  coutHoraire: number;
}

/** Exactly a number of ten-thousandths (0.1234 is a share, 0.12345 and 1e-9 are not). */
export function aAuPlusQuatreDecimales(value: number): boolean {
  return Number.isFinite(value) && Math.round(value * 10_000) / 10_000 === value;
}

function aAuPlusDeuxDecimales(value: number): boolean {
  return Number.isFinite(value) && Math.round(value * 100) / 100 === value;
}

export function estMontantHT(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= MONTANT_HT_MAX && aAuPlusDeuxDecimales(value);
}

export function estPart(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1 && aAuPlusQuatreDecimales(value);
}

export function estCoutHoraire(value: unknown): value is number {
  return typeof value === 'number' && value >= COUT_HORAIRE_MIN && value <= COUT_HORAIRE_MAX && aAuPlusDeuxDecimales(value);
}

export function verifierMontantHT(value: unknown): asserts value is number {
  if (!estMontantHT(value)) {
    throw new DomainError(
      'MONTANT_INVALIDE',
      `montantHT est le montant estimé hors taxes en euros : strictement positif, au plus ${MONTANT_HT_MAX.toLocaleString('fr-FR')} €, avec au plus 2 décimales (reçu : ${String(value)}).`,
      { champ: 'montantHT', maximum: MONTANT_HT_MAX },
    );
  }
}

export function verifierPart(value: unknown, champ: 'partMainOeuvre' | 'tauxInsertion'): asserts value is number {
  if (!estPart(value)) {
    throw new DomainError('PART_INVALIDE', `${champ} est une part entre 0 et 1 avec au plus 4 décimales (0,05 pour 5 %) (reçu : ${String(value)}).`, { champ });
  }
}

export function verifierCoutHoraire(value: unknown): asserts value is number {
  if (!estCoutHoraire(value)) {
    throw new DomainError(
      'COUT_HORAIRE_INVALIDE',
      `coutHoraire est le coût horaire moyen de la main-d'œuvre en euros : de ${COUT_HORAIRE_MIN} à ${COUT_HORAIRE_MAX.toLocaleString('fr-FR')} €, avec au plus 2 décimales (reçu : ${String(value)}).`,
      { champ: 'coutHoraire', minimum: COUT_HORAIRE_MIN, maximum: COUT_HORAIRE_MAX },
    );
  }
}

/**
 * The hours to require, rounded to the nearest whole hour (half an hour rounds up). Computed on
 * integers (cents, ten-thousandths) in BigInt: in floating point 1,000 € × 50 % × 5 % ÷ 1 € is
 * 25.000000000000004 and a true half hour may land on either side of .5, which would make the
 * answer depend on how the factors happen to be represented.
 */
export function heuresDeCalibration(f: FacteursCalibration): number {
  const montantCentimes = BigInt(Math.round(f.montantHT * 100));
  const part = BigInt(Math.round(f.partMainOeuvre * 10_000));
  const taux = BigInt(Math.round(f.tauxInsertion * 10_000));
  const coutCentimes = BigInt(Math.round(f.coutHoraire * 100));
  // heures = (montant/100 × part/10⁴ × taux/10⁴) ÷ (cout/100) = montant × part × taux ÷ (cout × 10⁸)
  const numerateur = montantCentimes * part * taux;
  const denominateur = coutCentimes * 100_000_000n;
  return Number((2n * numerateur + denominateur) / (2n * denominateur));
}

/** Digits grouped by three with a space, decimal comma: 1 000 000 ; 32,5. */
function nombreFr(entier: string, decimales = ''): string {
  const groupes = entier.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return decimales ? `${groupes},${decimales}` : groupes;
}

/** An amount in euros: whole euros without decimals, otherwise with its cents. */
export function eurosFr(montant: number): string {
  const centimes = Math.round(montant * 100);
  const euros = Math.floor(centimes / 100);
  const reste = centimes % 100;
  return `${nombreFr(String(euros), reste ? String(reste).padStart(2, '0') : '')} €`;
}

/** A share as a percentage, without useless zeros: 0.5 → 50 %, 0.0525 → 5,25 %, 0.1234 → 12,34 %. */
export function pourcentFr(part: number): string {
  const dixMilliemes = Math.round(part * 10_000);
  const entier = Math.floor(dixMilliemes / 100);
  const decimales = String(dixMilliemes % 100).padStart(2, '0').replace(/0+$/, '');
  return `${nombreFr(String(entier), decimales)} %`;
}

/** The computation in words: "1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h". */
export function formuleDeCalibration(f: FacteursCalibration, heures: number): string {
  return `${eurosFr(f.montantHT)} × ${pourcentFr(f.partMainOeuvre)} × ${pourcentFr(f.tauxInsertion)} ÷ ${eurosFr(f.coutHoraire)} = ${nombreFr(String(heures))} h`;
}

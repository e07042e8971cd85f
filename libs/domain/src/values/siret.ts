/**
 * SIRET: 14 digits passing the Luhn check. SIREN is its first 9 digits.
 * (La Poste's establishments, SIREN 356000000, follow another checksum: digit sum multiple of 5.)
 */
const LA_POSTE_SIREN = '356000000';

export function estSiretValide(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIREN) && value !== '35600000000048') {
    return [...value].reduce((s, c) => s + Number(c), 0) % 5 === 0;
  }
  return luhn(value);
}

export function sirenDe(siret: string): string {
  return siret.slice(0, 9);
}

function luhn(digits: string): boolean {
  return sommeDeLuhn(digits) % 10 === 0;
}

function sommeDeLuhn(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** The Luhn key that completes these digits (a SIREN's 9th digit, a SIRET's 14th). */
export function cleDeLuhn(chiffres: string): string {
  return String((10 - (sommeDeLuhn(`${chiffres}0`) % 10)) % 10);
}

/** Normalises what people type (spaces, dots) to the 14 digits. */
export function normaliserSiret(value: string): string {
  return value.replace(/[\s.]/g, '');
}

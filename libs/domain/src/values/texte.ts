import { DomainError } from '../domain-error';

/** A required free text, trimmed; empty or blank is refused. */
export function texteRequis(value: unknown, champ: string, max = 500): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new DomainError('CHAMP_REQUIS', `Renseignez ${champ} : il ne peut pas être vide.`, { champ });
  if (text.length > max) {
    throw new DomainError('TEXTE_TROP_LONG', `${champ} dépasse ${max} caractères : raccourcissez-le.`, { champ, max });
  }
  return text;
}

/** One value of a closed list (an enum of the API). */
export function valeurParmi<T extends string>(value: unknown, allowed: readonly T[], champ: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DomainError(
      'VALEUR_NON_AUTORISEE',
      `${champ} doit valoir l'une de ces valeurs : ${allowed.join(', ')} (reçu : ${String(value)}).`,
      { champ, valeur: value, valeursAutorisees: allowed },
    );
  }
  return value as T;
}

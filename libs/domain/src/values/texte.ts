import { DomainError } from '../domain-error';

/**
 * Control characters (C0, DEL, C1): invisible in every screen and export, and PostgreSQL
 * refuses U+0000 in text and jsonb, so one of them would make an event unprojectable.
 */
const CARACTERES_DE_CONTROLE = /[\u0000-\u001f\u007f-\u009f]/;

/** In `u` mode a paired surrogate is one code point: only a lone half matches. */
const SURROGATE_ISOLE = /\p{Cs}/u;

/** Why a text cannot be stored as is, or null when it can: control characters, a lone surrogate. */
export function defautDeTexte(text: string): string | null {
  if (CARACTERES_DE_CONTROLE.test(text)) return 'contient un caractère de contrôle (retour à la ligne, tabulation, caractère nul…)';
  if (SURROGATE_ISOLE.test(text)) return 'contient un caractère Unicode incomplet';
  return null;
}

/** A text's length as people count it: in characters (code points), an emoji counting one. */
export function longueurDe(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A required free text, trimmed; empty or blank is refused, and so is a text no read model can hold. */
export function texteRequis(value: unknown, champ: string, max = 500): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new DomainError('CHAMP_REQUIS', `Renseignez ${champ} : il ne peut pas être vide.`, { champ });
  if (longueurDe(text) > max) {
    throw new DomainError('TEXTE_TROP_LONG', `${champ} dépasse ${max} caractères : raccourcissez-le.`, { champ, max });
  }
  const defaut = defautDeTexte(text);
  if (defaut) throw new DomainError('TEXTE_INVALIDE', `${champ} ${defaut} : retirez-le.`, { champ });
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

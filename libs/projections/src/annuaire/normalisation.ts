/**
 * The search key of a name: accents and case forgiven ("Zébulon" and "ZEBULON" give "zebulon"),
 * ligatures spelled out (œ → oe), every other sign (hyphen, apostrophe, emoji…) a space, spaces
 * collapsed. The same function builds the stored key and the searched text, so they always agree;
 * its output holds only [a-z0-9 ], nothing a LIKE pattern would read as a wildcard.
 */
export function normaliser(texte: string): string {
  return texte
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** What `annuaire.salaries.recherche` holds: both orders, so "camille martin" and "martin camille" both match. */
export function cleDeRecherche(nom: string | null, prenom: string | null): string | null {
  if (nom === null && prenom === null) return null;
  const n = normaliser(nom ?? '');
  const p = normaliser(prenom ?? '');
  return `${`${n} ${p}`.trim()}\n${`${p} ${n}`.trim()}`;
}

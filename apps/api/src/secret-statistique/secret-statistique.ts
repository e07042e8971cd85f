/*
 * Statistical secrecy of small groups (issue 14): for a caller who may not see identities, a count of
 * fewer than `seuil` people is not answered, nor anything that would let it be recomputed. Pure: no Nest,
 * no database. The routes state which figures are counts of people and how they relate (groupes.ts);
 * this module decides what is masked.
 */

/**
 * Where a figure lies in an answer, as a JavaScript accessor would reach it: object keys dotted, array
 * items by index (`femmes`, `indicateurs.criteres.rqth`, `operations[2].salaries`, `colonnes[7].valeur`).
 */
export type Chemin = string;

/** What a masked figure reads in a file (CSV, XLSX): `<` and the threshold; nothing when no threshold applies. */
export function marqueDuMasque(seuil: number | null | undefined): string {
  return seuil ? `<${seuil}` : '';
}

/**
 * How the counts of people of an answer relate. Every `total`, `cellules` and `effectif` path is a count of
 * people (or of placements, one per person's contract); `derive` paths are figures computed from counts.
 * A path absent from the answer reads 0 (a breakdown lists only its non-zero keys); if masked, it is
 * written as null, so that the keys of a masked breakdown do not tell which categories are present.
 */
export type Groupe =
  /** A count on its own: masked when 0 < n < seuil. */
  | { type: 'effectif'; chemin: Chemin }
  /**
   * Cells that add up to a total: the reader can subtract, so no masked cell may be the only unknown one.
   * `total: null` for a total that is not in the answer but is known anyway (the sum of the cells, or of
   * another breakdown of the same total). `reste`: one more cell, not in the answer, is the total minus the
   * cells (`hommes` = `salaries` − `femmes`): it is never shown, but is recomputed as easily.
   * Also used for breakdowns that add up to their total but for a rare overlap (a person in two exit
   * categories or two opérations): subtraction then gives the cell back in nearly every case.
   */
  | { type: 'partition'; total: Chemin | null; cellules: Chemin[]; reste?: boolean }
  /**
   * Subsets of a total that overlap as a rule (eligibility criteria: a person often has several): their sum
   * tells nothing, so only the small ones are masked, and all of them when the total is.
   */
  | { type: 'sous-ensembles'; total: Chemin; cellules: Chemin[] }
  /** A figure computed from counts (a share, an objective's result): masked whenever one of them is. */
  | { type: 'derive'; chemin: Chemin; de: Chemin[] };

export interface SecretStatistique {
  seuil: number;
  /** The masked figures' paths (see Chemin), in the order the groups name them. */
  masques: Chemin[];
}

/** An answer once masked: its counts, shares and results may be null. */
export type Masquable<T> = T extends number | boolean
  ? T | null
  : T extends string | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Masquable<U>[]
      : { [K in keyof T]: Masquable<T[K]> };

export type AvecSecret<T> = Masquable<T> & { secretStatistique?: SecretStatistique };

type Segment = string | number;

function segments(chemin: Chemin): Segment[] {
  const out: Segment[] = [];
  for (const partie of chemin.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(partie);
    if (!m) throw new Error(`invalid path: ${chemin}`);
    if (m[1] !== '') out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

function suivre(corps: unknown, chemin: readonly Segment[]): unknown {
  let v: unknown = corps;
  for (const s of chemin) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<Segment, unknown>)[s];
  }
  return v;
}

/** Writes null at the path; a missing key of an existing object is created, a missing object is not. */
function effacer(corps: unknown, chemin: Chemin): void {
  const s = segments(chemin);
  const parent = suivre(corps, s.slice(0, -1));
  if (parent !== null && typeof parent === 'object') (parent as Record<Segment, unknown>)[s[s.length - 1]] = null;
}

/** The paths a group names, counts first. */
function cheminsDe(g: Groupe): Chemin[] {
  switch (g.type) {
    case 'effectif':
      return [g.chemin];
    case 'partition':
      return [...(g.total ? [g.total] : []), ...g.cellules];
    case 'sous-ensembles':
      return [g.total, ...g.cellules];
    case 'derive':
      return [g.chemin];
  }
}

/**
 * The masked figures of an answer:
 * 1. every count n with 0 < n < seuil (a zero is shown: it is no one);
 * 2. a total masked masks all its cells, zeros included (within a group under the threshold, even a zero
 *    tells something about its few members), and a total under the threshold that is not in the answer
 *    (`total: null`) too;
 * 3. in a partition whose total is shown, one unknown cell alone could be recomputed by subtraction: when the
 *    only unknown cell is masked (or is the `reste` and under the threshold), the smallest cell still shown
 *    is masked too (a zero if there is one: the least information lost), or the total when no cell is left;
 * 4. a derived figure is masked when one of the counts it comes from is.
 * Repeated until nothing changes, since a cell masked in one group may be counted in another.
 */
export function masquesDe(corps: unknown, groupes: readonly Groupe[], seuil: number): Chemin[] {
  const valeur = (c: Chemin) => {
    const v = suivre(corps, segments(c));
    return typeof v === 'number' ? v : 0;
  };
  const petit = (n: number) => n > 0 && n < seuil;
  const masques = new Set<Chemin>();
  for (const g of groupes) if (g.type !== 'derive') for (const c of cheminsDe(g)) if (petit(valeur(c))) masques.add(c);

  let change = true;
  const masquer = (c: Chemin) => {
    if (masques.has(c)) return;
    masques.add(c);
    change = true;
  };
  while (change) {
    change = false;
    for (const g of groupes) {
      if (g.type === 'derive') {
        if (g.de.some((c) => masques.has(c))) masquer(g.chemin);
        continue;
      }
      if (g.type === 'effectif') continue;
      const somme = g.cellules.reduce((s, c) => s + valeur(c), 0);
      const total = g.total === null ? somme : valeur(g.total);
      if (g.total === null ? petit(somme) : masques.has(g.total)) {
        g.cellules.forEach(masquer);
        continue;
      }
      if (g.type !== 'partition') continue;
      const masquees = g.cellules.filter((c) => masques.has(c)).length;
      const reste = g.reste ? total - somme : null;
      if (masquees + (reste === null ? 0 : 1) !== 1) continue;
      if (masquees === 0 && !petit(reste as number)) continue;
      const visibles = g.cellules.filter((c) => !masques.has(c));
      if (visibles.length > 0) masquer(visibles.reduce((min, c) => (valeur(c) < valeur(min) ? c : min)));
      else if (g.total !== null) masquer(g.total);
    }
  }
  const ordre: Chemin[] = [];
  for (const g of groupes) for (const c of cheminsDe(g)) if (masques.has(c) && !ordre.includes(c)) ordre.push(c);
  return ordre;
}

/** The answer with its masked figures set to null, and their paths. The answer itself is left untouched. */
export function masquer<T>(corps: T, groupes: readonly Groupe[], seuil: number): { corps: Masquable<T>; masques: Chemin[] } {
  const masques = masquesDe(corps, groupes, seuil);
  const copie = structuredClone(corps);
  for (const c of masques) effacer(copie, c);
  return { corps: copie as Masquable<T>, masques };
}

/**
 * The answer as the caller may read it: as it is (the same object) when `seuil` is null (the caller sees
 * identities), else masked with `secretStatistique: { seuil, masques }` added, even when nothing is masked,
 * so that a client knows the rule applies to what it reads.
 */
export function appliquerSecretStatistique<T extends object>(corps: T, groupes: (corps: T) => readonly Groupe[], seuil: number | null): AvecSecret<T> {
  if (seuil === null) return corps as AvecSecret<T>;
  const { corps: masque, masques } = masquer(corps, groupes(corps), seuil);
  return { ...(masque as object), secretStatistique: { seuil, masques } } as AvecSecret<T>;
}

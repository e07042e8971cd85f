import { type DateIso, type Mois, defautDeTexte, estDateValide, estMoisValide, estSiretValide, longueurDe, normaliserSiret, HEURES_MOIS_PLAFOND } from '@suivi/domain';
import { COLONNES_IDENTITE, type ColonneImport } from './colonnes';
import type { Cellule, LigneBrute } from './lire-fichier';

export type CibleImport = { placementId: string } | { siret: string; nom: string; prenom: string; dateNaissance: DateIso; marche: string };

export interface LigneHeures {
  ligne: number;
  cible: CibleImport;
  mois: Mois;
  heures: number;
}

export interface ErreurLigne {
  ligne: number;
  colonne: ColonneImport | null;
  code: string;
  message: string;
}

export const LONGUEUR_MAX_TEXTE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cell's value or the error it holds, without the row number (added once per row). */
type Lecture<T> = { valeur: T } | { erreur: Omit<ErreurLigne, 'ligne'> };

/** Turns a raw row into a typed one, or every error it holds (one per faulty column, never just the first). Pure, no I/O. */
export function lireLigneHeures(brute: LigneBrute): { ligne: LigneHeures } | { erreurs: ErreurLigne[] } {
  const cellules = brute.cellules;
  const erreurs: Array<Omit<ErreurLigne, 'ligne'>> = [];
  const garder = <T>(lecture: Lecture<T>): T | undefined => {
    if ('erreur' in lecture) {
      erreurs.push(lecture.erreur);
      return undefined;
    }
    return lecture.valeur;
  };

  const cible = lireCible(cellules, garder);
  const mois = garder(obligatoire(cellules, 'mois', lireMois));
  const heures = garder(obligatoire(cellules, 'heures', lireHeures));

  if (erreurs.length > 0 || cible === undefined || mois === undefined || heures === undefined) {
    return { erreurs: erreurs.map((erreur) => ({ ligne: brute.ligne, ...erreur })) };
  }
  return { ligne: { ligne: brute.ligne, cible, mois, heures } };
}

function lireCible(
  cellules: LigneBrute['cellules'],
  garder: <T>(lecture: Lecture<T>) => T | undefined,
): CibleImport | undefined {
  // A filled placement id wins: the identity columns are then ignored.
  if (!estVide(cellules.placement)) return optionnel(garder(lirePlacement(cellules.placement!)), (placementId) => ({ placementId }));
  if (COLONNES_IDENTITE.every((colonne) => estVide(cellules[colonne]))) {
    garder({
      erreur: {
        colonne: 'placement',
        code: 'PLACEMENT_NON_IDENTIFIE',
        message:
          `La ligne ne dit pas à quel placement s'appliquent les heures : renseignez soit l'identifiant du placement (colonne placement), ` +
          `soit le SIRET, le nom, le prénom, la date de naissance et le marché.`,
      },
    });
    return undefined;
  }
  const siret = garder(obligatoire(cellules, 'siret', lireSiret));
  const nom = garder(obligatoire(cellules, 'nom', (c) => lireTexte(c, 'Le nom')));
  const prenom = garder(obligatoire(cellules, 'prenom', (c) => lireTexte(c, 'Le prénom')));
  const dateNaissance = garder(obligatoire(cellules, 'dateNaissance', lireDateNaissance));
  const marche = garder(obligatoire(cellules, 'marche', (c) => lireTexte(c, 'Le numéro de marché')));
  if (siret === undefined || nom === undefined || prenom === undefined || dateNaissance === undefined || marche === undefined) return undefined;
  return { siret, nom, prenom, dateNaissance, marche };
}

function optionnel<T, U>(valeur: T | undefined, f: (valeur: T) => U): U | undefined {
  return valeur === undefined ? undefined : f(valeur);
}

function estVide(cellule: Cellule | undefined): boolean {
  return cellule === null || cellule === undefined || (typeof cellule === 'string' && cellule.trim() === '');
}

const MANQUANT: Readonly<Record<ColonneImport, string>> = {
  placement: `L'identifiant du placement est vide : renseignez-le.`,
  siret: `Le SIRET de l'entreprise est vide : renseignez ses 14 chiffres.`,
  nom: `Le nom est vide : renseignez le nom de la personne.`,
  prenom: `Le prénom est vide : renseignez le prénom de la personne.`,
  dateNaissance: `La date de naissance est vide : renseignez-la au format JJ/MM/AAAA (par exemple 14/03/1988).`,
  marche: `Le numéro de marché est vide : renseignez-le (par exemple 2025-DIJ-014).`,
  mois: `Le mois est vide : renseignez-le au format MM/AAAA (par exemple 03/2025).`,
  heures: `Le nombre d'heures est vide : renseignez-le (par exemple 151,67).`,
};

function obligatoire<T>(cellules: LigneBrute['cellules'], colonne: ColonneImport, lire: (cellule: Cellule) => Lecture<T>): Lecture<T> {
  const cellule = cellules[colonne];
  if (estVide(cellule)) return { erreur: { colonne, code: 'VALEUR_MANQUANTE', message: MANQUANT[colonne] } };
  const lecture = lire(cellule!);
  return 'erreur' in lecture ? { erreur: { ...lecture.erreur, colonne } } : lecture;
}

function erreur(code: string, message: string, cellule: Cellule): { erreur: Omit<ErreurLigne, 'ligne'> } {
  // colonne is set by `obligatoire`.
  return { erreur: { colonne: null, code, message: `${message} ; lu : « ${affiche(cellule)} »` } };
}

/** What the user typed, as a spreadsheet shows it. */
function affiche(cellule: Cellule): string {
  if (cellule instanceof Date) {
    const [a, m, j] = cellule.toISOString().slice(0, 10).split('-');
    return `${j}/${m}/${a}`;
  }
  const texte = typeof cellule === 'number' ? String(cellule).replace('.', ',') : String(cellule ?? '');
  return longueurDe(texte) > 60 ? `${[...texte].slice(0, 60).join('')}…` : texte;
}

function lirePlacement(cellule: Cellule): Lecture<string> {
  const texte = typeof cellule === 'string' ? cellule.trim() : '';
  if (UUID.test(texte)) return { valeur: texte.toLowerCase() };
  return {
    erreur: {
      ...erreur(
        'PLACEMENT_INVALIDE',
        `L'identifiant du placement doit être celui affiché dans l'application (par exemple 3f2b8c1e-9a4d-4c6b-8f1a-2d3e4f5a6b7c)`,
        cellule,
      ).erreur,
      colonne: 'placement',
    },
  };
}

function lireSiret(cellule: Cellule): Lecture<string> {
  let siret: string | null = null;
  if (typeof cellule === 'number') {
    // Excel turns a SIRET into a number and drops its leading zeros.
    if (Number.isInteger(cellule) && cellule >= 0 && cellule < 1e14) siret = String(cellule).padStart(14, '0');
  } else if (typeof cellule === 'string') {
    siret = normaliserSiret(cellule).replace(/[\u00a0\u202f]/g, '');
  }
  if (siret !== null && estSiretValide(siret)) return { valeur: siret };
  const message =
    siret !== null && /^\d{14}$/.test(siret)
      ? `Le SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : vérifiez ses 14 chiffres`
      : `Le SIRET doit compter 14 chiffres (par exemple 732 829 320 00074)`;
  return erreur('SIRET_INVALIDE', message, cellule);
}

function lireTexte(cellule: Cellule, libelle: string): Lecture<string> {
  if (cellule instanceof Date) return erreur('TEXTE_INVALIDE', `${libelle} doit être un texte, pas une date`, cellule);
  const texte = String(cellule).trim().replace(/\s+/g, ' ');
  if (longueurDe(texte) > LONGUEUR_MAX_TEXTE) {
    return erreur('TEXTE_TROP_LONG', `${libelle} dépasse ${LONGUEUR_MAX_TEXTE} caractères : raccourcissez-le`, cellule);
  }
  const defaut = defautDeTexte(texte);
  if (defaut) return erreur('TEXTE_INVALIDE', `${libelle} ${defaut} : retirez-le`, cellule);
  return { valeur: texte };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A day as written in France (J/M/AAAA with `/`, `-` or `.`) or in ISO (AAAA-MM-JJ), or a date cell. */
function jourDe(cellule: Cellule): DateIso | null {
  if (cellule instanceof Date) return cellule.toISOString().slice(0, 10);
  if (typeof cellule !== 'string') return null;
  const texte = cellule.trim();
  let m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(texte);
  if (m) return `${m[4]}-${pad2(Number(m[3]))}-${pad2(Number(m[1]))}`;
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(texte);
  if (m) return `${m[1]}-${pad2(Number(m[2]))}-${pad2(Number(m[3]))}`;
  return null;
}

function anneeValide(jourOuMois: string): boolean {
  const annee = Number(jourOuMois.slice(0, 4));
  return annee >= 1900 && annee <= 2999;
}

function lireDateNaissance(cellule: Cellule): Lecture<DateIso> {
  const jour = jourDe(cellule);
  if (jour !== null && estDateValide(jour) && anneeValide(jour)) return { valeur: jour };
  return erreur(
    'DATE_NAISSANCE_INVALIDE',
    `La date de naissance doit être une date réelle au format JJ/MM/AAAA (par exemple 14/03/1988)`,
    cellule,
  );
}

function lireMois(cellule: Cellule): Lecture<Mois> {
  const mois = moisDe(cellule);
  if (mois !== null && estMoisValide(mois) && anneeValide(mois)) return { valeur: mois };
  return erreur('MOIS_INVALIDE', `Le mois doit s'écrire MM/AAAA (par exemple 03/2025)`, cellule);
}

function moisDe(cellule: Cellule): Mois | null {
  if (typeof cellule === 'string') {
    const texte = cellule.trim();
    let m = /^(\d{1,2})[/.-](\d{4})$/.exec(texte);
    if (m) return `${m[2]}-${pad2(Number(m[1]))}`;
    m = /^(\d{4})-(\d{1,2})$/.exec(texte);
    if (m) return `${m[1]}-${pad2(Number(m[2]))}`;
  }
  // A full day (text or date cell) stands for its month, provided the day exists.
  const jour = jourDe(cellule);
  return jour !== null && estDateValide(jour) ? jour.slice(0, 7) : null;
}

/** Digits with an optional decimal part, or digits grouped by three with spaces (`1 234,5`). */
const NOMBRE = /^[+-]?(?:\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,](\d+))?$/;

function lireHeures(cellule: Cellule): Lecture<number> {
  const format = `Le nombre d'heures doit être un nombre, avec une virgule pour les décimales (par exemple 151,67)`;
  let heures: number;
  if (typeof cellule === 'number') {
    heures = cellule;
  } else if (typeof cellule === 'string') {
    const texte = cellule.trim();
    const m = NOMBRE.exec(texte);
    if (!m) return erreur('HEURES_INVALIDES', format, cellule);
    if ((m[1]?.length ?? 0) > 2) return erreur('HEURES_INVALIDES', `Le nombre d'heures doit avoir au plus 2 décimales (par exemple 151,67)`, cellule);
    heures = Number(texte.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  } else {
    return erreur('HEURES_INVALIDES', format, cellule);
  }
  if (!Number.isFinite(heures)) return erreur('HEURES_INVALIDES', format, cellule);
  // A number cell may carry binary noise (8 × 18,96 = 151,68000000000001): hundredths are compared with a tolerance.
  const centiemes = Math.round(heures * 100);
  if (Math.abs(heures * 100 - centiemes) > 1e-6) {
    return erreur('HEURES_INVALIDES', `Le nombre d'heures doit avoir au plus 2 décimales (par exemple 151,67)`, cellule);
  }
  if (centiemes <= 0) return erreur('HEURES_INVALIDES', `Le nombre d'heures doit être supérieur à 0`, cellule);
  // Above the hours of the longest month the figure is malformed, not a broken rule (the 220 h a month is the domain's).
  if (centiemes > HEURES_MOIS_PLAFOND * 100) {
    return erreur('HEURES_INVALIDES', `Le nombre d'heures d'un mois ne peut pas dépasser ${HEURES_MOIS_PLAFOND} (les heures du mois le plus long)`, cellule);
  }
  return { valeur: centiemes / 100 };
}

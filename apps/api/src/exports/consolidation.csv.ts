import { csvFrancais } from '../bilans/bilan.csv';
import { marqueDuMasque, type AvecSecret } from '../secret-statistique/secret-statistique';
import type { ConsolidationVue } from './exports.handlers';

const nombre = (n: number) => String(n).replace('.', ',');

/**
 * The export as a long table, one line per column code: `annee;colonne;libelle;unite;valeur`, `;` separators,
 * decimal commas, UTF-8 with a BOM (as /bilans), CRLF. Every team's file has the same header and the same lines
 * in the same order, so files of several teams (and years) stack by appending their lines after the header.
 * A value masked by the statistical secrecy (null in the JSON) reads `<5` (`<` and the threshold).
 */
export function consolidationEnCsv(vue: AvecSecret<ConsolidationVue>): string {
  const masque = marqueDuMasque(vue.secretStatistique?.seuil);
  const lignes: string[][] = [['annee', 'colonne', 'libelle', 'unite', 'valeur']];
  for (const c of vue.colonnes) lignes.push([String(vue.annee), c.colonne, c.libelle, c.unite, c.valeur === null ? masque : nombre(c.valeur)]);
  return csvFrancais([lignes]);
}

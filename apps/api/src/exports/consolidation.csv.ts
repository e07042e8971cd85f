import { stringify } from 'csv-stringify/sync';
import type { ConsolidationVue } from './exports.handlers';

const nombre = (n: number) => String(n).replace('.', ',');

/**
 * The export as a long table, one line per column code: `annee;colonne;libelle;unite;valeur`, `;` separators,
 * decimal commas, UTF-8 with a BOM (as /bilans), CRLF. Every team's file has the same header and the same lines
 * in the same order, so files of several teams (and years) stack by appending their lines after the header.
 */
export function consolidationEnCsv(vue: ConsolidationVue): string {
  const lignes: string[][] = [['annee', 'colonne', 'libelle', 'unite', 'valeur']];
  for (const c of vue.colonnes) lignes.push([String(vue.annee), c.colonne, c.libelle, c.unite, nombre(c.valeur)]);
  return '\uFEFF' + stringify(lignes, { delimiter: ';', record_delimiter: '\r\n' });
}

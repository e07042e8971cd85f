import { cellulesMarche, colonnesMarche } from '../conformite/marches.xlsx';
import { classeurXlsx } from '../exports-xlsx/classeur';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import type { MarchesSuivisVue } from './coordination-regionale.handlers';

/**
 * `GET /coordination-regionale/marches?format=xlsx`: the followed marchés (every page) as one sheet « Marchés suivis »,
 * the columns of the team's sheet « Marchés » (conformite/marches.xlsx.ts) but the regional follow-up, which every row
 * has. Built from the answer as the caller may read it (statistical secrecy applied): a masked figure reads `<seuil`.
 */
export function marchesSuivisEnXlsx(liste: AvecSecret<MarchesSuivisVue>): Promise<Buffer> {
  return classeurXlsx(
    [{ titre: 'Marchés suivis', colonnes: colonnesMarche(liste.date), lignes: liste.items.map((m) => cellulesMarche(m, m.donneurOrdreNom)) }],
    liste.secretStatistique?.seuil,
  );
}

import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { StreamableFile } from '@nestjs/common';
import { marqueDuMasque } from '../secret-statistique/secret-statistique';

/*
 * XLSX rendering of the read answers (issue 16, "Export"): one workbook of sheets, each a header row of
 * French titles (bold, frozen) and typed rows. Number formats are stored in the file's own (locale-neutral)
 * syntax, which a French Excel or LibreOffice shows the French way: `#,##0` reads `1 234`, `#,##0.00` reads
 * `1 234,50`, `0.0%` reads `26,0 %`, `dd/mm/yyyy` reads `31/12/2025` (`jj/mm/aaaa`). Dates are real dates.
 * A figure masked by the statistical secrecy (null in the JSON) is written as the text `<5` (the threshold).
 */

export const MIME_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type TypeColonne = 'texte' | 'entier' | 'heures' | 'part' | 'date' | 'mois';

export const FORMATS: Readonly<Record<Exclude<TypeColonne, 'texte'>, string>> = {
  entier: '#,##0',
  heures: '#,##0.00',
  part: '0.0%',
  date: 'dd/mm/yyyy',
  mois: 'mm/yyyy',
};

/** A cell whose type differs from its column's (a label/value sheet). */
export interface CelluleTypee {
  valeur: number | string | null;
  type: TypeColonne;
}

/**
 * A cell: a number, a text, an ISO date (`YYYY-MM-DD`, or `YYYY-MM` for a month) in a date column,
 * null for a figure masked by the statistical secrecy, undefined for nothing (an empty cell).
 */
export type Cellule = number | string | boolean | null | undefined | CelluleTypee;

export interface Colonne {
  titre: string;
  type: TypeColonne;
  /** In characters; by default from the title and the type. */
  largeur?: number;
}

export interface Feuille {
  /** At most 31 characters, none of `[]:*?/\` (Excel's rule). */
  titre: string;
  colonnes: Colonne[];
  lignes: Cellule[][];
  /** Rows (0-based, among `lignes`) written in bold: section titles. */
  lignesEnGras?: number[];
}

const LARGEUR_PAR_TYPE: Record<TypeColonne, number> = { texte: 24, entier: 12, heures: 14, part: 12, date: 12, mois: 10 };

/** `YYYY-MM-DD` or `YYYY-MM` as the date at midnight UTC (what exceljs writes as the day itself). */
function enDate(iso: string): Date | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3] ?? '1'))) : null;
}

function ecrire(cellule: ExcelJS.Cell, valeur: Cellule, type: TypeColonne, masque: string): void {
  if (valeur !== null && typeof valeur === 'object') return ecrire(cellule, valeur.valeur, valeur.type, masque);
  if (valeur === undefined) return;
  if (valeur === null) {
    cellule.value = masque;
    cellule.alignment = { horizontal: 'right' };
    return;
  }
  if (typeof valeur === 'boolean') {
    cellule.value = valeur ? 'Oui' : 'Non';
    return;
  }
  if ((type === 'date' || type === 'mois') && typeof valeur === 'string') {
    const d = enDate(valeur);
    if (d) {
      cellule.value = d;
      cellule.numFmt = FORMATS[type];
      return;
    }
  }
  cellule.value = valeur;
  if (typeof valeur === 'number' && type !== 'texte') cellule.numFmt = FORMATS[type];
}

/**
 * The workbook of these sheets as an XLSX file. `seuil`: the statistical secrecy's threshold when it applies
 * to the caller (a null cell then reads `<seuil`); without it a null cell is left empty.
 *
 * Written row by row (exceljs' streaming writer, strings inline): a row is zipped and dropped once written,
 * so the largest export (10,000 marchés) needs about 15 MB of heap instead of about 140 MB for the whole
 * workbook in memory, and the api can run with a capped heap (`npm start`, the image).
 */
export async function classeurXlsx(feuilles: Feuille[], seuil: number | null | undefined): Promise<Buffer> {
  const morceaux: Buffer[] = [];
  const sortie = new PassThrough();
  sortie.on('data', (morceau: Buffer) => morceaux.push(morceau));
  const lue = finished(sortie);
  const classeur = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sortie, useStyles: true, useSharedStrings: false });
  classeur.creator = 'suivi-clauses';
  classeur.created = new Date();
  const masque = marqueDuMasque(seuil);
  for (const f of feuilles) {
    const feuille = classeur.addWorksheet(f.titre.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    feuille.columns = f.colonnes.map((c) => ({
      header: c.titre,
      width: c.largeur ?? Math.min(60, Math.max(LARGEUR_PAR_TYPE[c.type], c.titre.length + 2)),
    }));
    const entete = feuille.getRow(1);
    entete.font = { bold: true };
    entete.alignment = { vertical: 'middle', wrapText: true };
    entete.commit();
    const enGras = new Set(f.lignesEnGras ?? []);
    f.lignes.forEach((ligne, k) => {
      const row = feuille.getRow(k + 2);
      ligne.forEach((v, j) => ecrire(row.getCell(j + 1), v, f.colonnes[j]?.type ?? 'texte', masque));
      if (enGras.has(k)) row.font = { bold: true };
      row.commit();
    });
    feuille.commit();
  }
  await classeur.commit();
  await lue;
  return Buffer.concat(morceaux);
}

/** The file as the route's answer, an attachment. */
export function fichierXlsx(nomFichier: string, contenu: Buffer): StreamableFile {
  return new StreamableFile(contenu, { type: MIME_XLSX, disposition: `attachment; filename="${nomFichier}"`, length: contenu.length });
}

export type FormatReponse = 'json' | 'csv' | 'xlsx';

/**
 * The format asked: `?format=` first, then the Accept header (the XLSX MIME type, or `text/csv` where the route
 * has a CSV), JSON otherwise.
 */
export function formatDemande(format: string | undefined, accept: string | undefined, csv: boolean): FormatReponse {
  if (format === 'xlsx' || format === 'csv') return format;
  if (accept?.includes(MIME_XLSX)) return 'xlsx';
  if (csv && accept?.includes('text/csv')) return 'csv';
  return 'json';
}

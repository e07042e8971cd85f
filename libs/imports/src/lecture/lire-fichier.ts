import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { COLONNES_IDENTITE, type ColonneImport, LIBELLES_COLONNES, colonneDeLEntete } from './colonnes';
import { FichierImportInvalide } from './fichier-invalide';

export type Cellule = string | number | Date | null;

export interface LigneBrute {
  /** The row's number as the user sees it in a spreadsheet or text editor: header is line 1, first data row 2 (CSV: the physical line where the record starts, so quoted multi-line cells keep numbers right). */
  ligne: number;
  cellules: Partial<Record<ColonneImport, Cellule>>;
}

export interface FichierLu {
  format: 'csv' | 'xlsx';
  /** 'utf-8' | 'windows-1252' for CSV, null for XLSX. */
  encodage: string | null;
  colonnes: ColonneImport[];
  /** Header cells that matched no column (ignored, reported to the user). */
  colonnesIgnorees: string[];
  /** Streams the data rows, skipping wholly empty rows; memory bounded whatever the file's size. */
  lignes: AsyncIterable<LigneBrute>;
}

/** Enough to hold the header line and to tell the encoding apart. */
const TAILLE_ECHANTILLON = 64 * 1024;
/** A runaway quote must not swallow the whole file in memory. */
const TAILLE_MAX_ENREGISTREMENT = 100_000;

const SIGNATURE_ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const SIGNATURE_XLS = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);

const CONSEIL_FORMAT = 'Enregistrez-le au format CSV (séparateur point-virgule, UTF-8) ou Excel (.xlsx), ou partez du modèle téléchargeable.';

/** A row as read, before the header gives its cells a column. */
interface Enregistrement {
  ligne: number;
  valeurs: Cellule[];
}

/**
 * Opens a file on disk: XLSX detected by its zip signature ("PK\x03\x04"), otherwise CSV. Throws FichierImportInvalide.
 * Header errors are thrown by this call (before any row is read); errors found later while streaming are thrown by the
 * iterator as FichierImportInvalide too. Errors of the file system itself (missing file, permissions) are not the
 * user's doing and propagate unchanged.
 */
export async function lireFichier(chemin: string): Promise<FichierLu> {
  const { octets, tronque } = await lireDebut(chemin);
  if (octets.length === 0) {
    throw new FichierImportInvalide('FICHIER_VIDE', `Le fichier est vide. ${CONSEIL_FORMAT}`);
  }
  if (commencePar(octets, SIGNATURE_ZIP)) {
    verifierClasseurXlsx(octets);
    return ouvrir('xlsx', null, enregistrementsXlsx(chemin));
  }
  verifierTexte(octets);
  const encodage = detecterEncodage(octets, tronque);
  const debut = encodage === 'utf-8' ? new TextDecoder('utf-8').decode(octets) : iconv.decode(octets, 'windows-1252');
  const separateur = detecterSeparateur(debut);
  return ouvrir('csv', encodage, enregistrementsCsv(chemin, encodage, separateur));
}

async function lireDebut(chemin: string): Promise<{ octets: Buffer; tronque: boolean }> {
  const fichier = await open(chemin, 'r');
  try {
    const tampon = Buffer.alloc(TAILLE_ECHANTILLON + 1);
    let lus = 0;
    while (lus < tampon.length) {
      const { bytesRead } = await fichier.read(tampon, lus, tampon.length - lus, lus);
      if (bytesRead === 0) break;
      lus += bytesRead;
    }
    // One byte more than the sample tells whether the file goes on.
    return { octets: tampon.subarray(0, Math.min(lus, TAILLE_ECHANTILLON)), tronque: lus > TAILLE_ECHANTILLON };
  } finally {
    await fichier.close();
  }
}

function commencePar(octets: Buffer, signature: Buffer): boolean {
  return octets.length >= signature.length && octets.subarray(0, signature.length).equals(signature);
}

/** Other zip-based formats would only fail later with an obscure message. */
function verifierClasseurXlsx(octets: Buffer): void {
  const debut = octets.subarray(0, 200).toString('latin1');
  if (debut.includes('application/vnd.oasis.opendocument')) {
    throw new FichierImportInvalide(
      'FICHIER_ILLISIBLE',
      `Ce fichier est au format OpenDocument (.ods), qui n'est pas accepté. Dans LibreOffice, enregistrez-le au format Excel (.xlsx) ou CSV.`,
    );
  }
}

function verifierTexte(octets: Buffer): void {
  if (commencePar(octets, SIGNATURE_XLS)) {
    throw new FichierImportInvalide(
      'FICHIER_ILLISIBLE',
      `Ce fichier est au format Excel 97-2003 (.xls), qui n'est pas accepté. Dans Excel, enregistrez-le au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 ».`,
    );
  }
  if ((octets[0] === 0xff && octets[1] === 0xfe) || (octets[0] === 0xfe && octets[1] === 0xff)) {
    throw new FichierImportInvalide(
      'FICHIER_ILLISIBLE',
      `Ce fichier texte est encodé en UTF-16 (« Texte Unicode »), qui n'est pas accepté. Dans Excel, enregistrez-le au format « CSV UTF-8 (délimité par des virgules) » ou « Classeur Excel (.xlsx) ».`,
    );
  }
  // Text files hold no NUL and hardly any other control character; binary files hold plenty.
  let controles = 0;
  for (const octet of octets) {
    if (octet === 0) return illisible();
    if (octet < 0x20 && octet !== 0x09 && octet !== 0x0a && octet !== 0x0d && octet !== 0x0c) controles++;
  }
  if (controles > octets.length / 100) illisible();
}

function illisible(): never {
  throw new FichierImportInvalide('FICHIER_ILLISIBLE', `Ce fichier n'est ni un CSV ni un classeur Excel (.xlsx) lisible. ${CONSEIL_FORMAT}`);
}

/** A UTF-8 BOM means UTF-8; otherwise valid UTF-8 is UTF-8 and anything else is what Excel writes in France: Windows-1252. */
function detecterEncodage(octets: Buffer, tronque: boolean): 'utf-8' | 'windows-1252' {
  if (commencePar(octets, BOM_UTF8)) return 'utf-8';
  const decodeur = new TextDecoder('utf-8', { fatal: true });
  // The sample may end in the middle of a multibyte character: try again without its last 1 to 3 bytes.
  for (let retires = 0; retires <= (tronque ? 3 : 0); retires++) {
    try {
      decodeur.decode(octets.subarray(0, octets.length - retires));
      return 'utf-8';
    } catch {
      // not UTF-8 this way
    }
  }
  return 'windows-1252';
}

/** The most frequent of `;`, tab and `,` in the header line, outside quotes; ties go to `;`, the French default. */
function detecterSeparateur(texte: string): string {
  const compte = new Map<string, number>([
    [';', 0],
    ['\t', 0],
    [',', 0],
  ]);
  let entreGuillemets = false;
  for (const c of texte.replace(/^\uFEFF/, '')) {
    if (c === '"') entreGuillemets = !entreGuillemets;
    else if (!entreGuillemets && (c === '\n' || c === '\r')) break;
    else if (!entreGuillemets && compte.has(c)) compte.set(c, compte.get(c)! + 1);
  }
  let meilleur = ';';
  for (const [separateur, n] of compte) if (n > compte.get(meilleur)!) meilleur = separateur;
  return meilleur;
}

const MESSAGES_CSV: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: `un guillemet (") ouvert n'est jamais refermé : vérifiez les guillemets de cette ligne`,
  CSV_MAX_RECORD_SIZE: `la ligne est anormalement longue (un guillemet (") ouvert n'est peut-être jamais refermé)`,
  CSV_INVALID_CLOSING_QUOTE: `un guillemet (") est mal placé : entourez toute la cellule de guillemets et doublez ceux qu'elle contient`,
};

async function* enregistrementsCsv(chemin: string, encodage: 'utf-8' | 'windows-1252', separateur: string): AsyncGenerator<Enregistrement> {
  const source = createReadStream(chemin);
  const analyseur = parse({
    delimiter: separateur,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: TAILLE_MAX_ENREGISTREMENT,
  });
  // Errors of any stage destroy the parser, and so reach the loop below.
  pipeline(source, iconv.decodeStream(encodage), analyseur, () => undefined);
  // csv-parse's info.lines counts a CRLF inside quotes as two lines: lines are counted here from the cells instead.
  let ligne = 1;
  try {
    for await (const champs of analyseur as AsyncIterable<string[]>) {
      const debut = ligne;
      ligne += 1 + champs.reduce((n, champ) => n + sautsDeLigne(champ), 0);
      yield { ligne: debut, valeurs: champs.map((champ) => champ.trim() || null) };
    }
  } catch (erreur) {
    const code = (erreur as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      const raison = MESSAGES_CSV[code] ?? 'son contenu ne suit pas le format CSV';
      throw new FichierImportInvalide('FICHIER_ILLISIBLE', `Le fichier CSV ne peut pas être lu à partir de la ligne ${ligne} : ${raison}.`, {
        ligne,
        cause: code,
      });
    }
    throw erreur;
  } finally {
    analyseur.destroy();
    source.destroy();
  }
}

function sautsDeLigne(texte: string): number {
  return texte.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** Excel's last row: a row numbered otherwise comes from a damaged or forged file. */
const DERNIERE_LIGNE_XLSX = 1_048_576;

/**
 * Some damaged workbooks leave exceljs's stream reader waiting forever, with no error and no end:
 * a workbook that yields nothing for this long is taken as unreadable.
 */
export const XLSX_INACTIVITE_MAX_MS = 10_000;

async function* enregistrementsXlsx(chemin: string): AsyncGenerator<Enregistrement> {
  const source = createReadStream(chemin);
  const classeur = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    entries: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  const endommage = (cause: string) =>
    new FichierImportInvalide(
      'FICHIER_ILLISIBLE',
      `Ce classeur Excel est endommagé ou incomplet et ne peut pas être lu. Ouvrez-le dans Excel et enregistrez-le à nouveau au format .xlsx, ou exportez-le en CSV.`,
      { cause },
    );
  try {
    let precedente = 0;
    for await (const feuille of sansBlocage(classeur, () => endommage('aucune feuille lue'))) {
      for await (const rangee of sansBlocage(feuille, () => endommage(`rien lu après la ligne ${precedente}`))) {
        if (!Number.isInteger(rangee.number) || rangee.number <= precedente || rangee.number > DERNIERE_LIGNE_XLSX) {
          throw endommage(`ligne numérotée ${rangee.number} après la ligne ${precedente}`);
        }
        precedente = rangee.number;
        const valeurs = rangee.values as unknown[];
        const cellules: Cellule[] = [];
        for (let i = 1; i < valeurs.length; i++) cellules.push(celluleXlsx(valeurs[i]));
        yield { ligne: rangee.number, valeurs: cellules };
      }
      // Only the first worksheet holds the hours.
      return;
    }
    throw new FichierImportInvalide('FICHIER_ILLISIBLE', `Ce classeur ne contient aucune feuille de calcul lisible. ${CONSEIL_FORMAT}`);
  } catch (erreur) {
    if (erreur instanceof FichierImportInvalide) throw erreur;
    throw endommage(erreur instanceof Error ? erreur.message : String(erreur));
  } finally {
    source.destroy();
  }
}

/** Iterates `source`, failing with `blocage()` when the next item takes longer than XLSX_INACTIVITE_MAX_MS. */
async function* sansBlocage<T>(source: AsyncIterable<T>, blocage: () => Error): AsyncGenerator<T> {
  const iterateur = source[Symbol.asyncIterator]();
  let fini = false;
  try {
    for (;;) {
      let minuteur: NodeJS.Timeout | undefined;
      const attente = new Promise<never>((_, reject) => (minuteur = setTimeout(() => reject(blocage()), XLSX_INACTIVITE_MAX_MS)));
      const suivant = await Promise.race([iterateur.next(), attente]).finally(() => clearTimeout(minuteur));
      if (suivant.done) {
        fini = true;
        return;
      }
      yield suivant.value;
    }
  } finally {
    // A stuck reader would never answer `return`: ask without waiting (the file stream is destroyed by the caller).
    if (!fini) void iterateur.return?.()?.catch(() => undefined);
  }
}

/** exceljs values: number, string, Date, boolean, rich text, formula, hyperlink, error, null. */
function celluleXlsx(valeur: unknown): Cellule {
  if (valeur === null || valeur === undefined) return null;
  if (typeof valeur === 'number') return Number.isFinite(valeur) ? valeur : null;
  if (typeof valeur === 'string') return valeur.trim() || null;
  if (valeur instanceof Date) return Number.isNaN(valeur.getTime()) ? null : valeur;
  if (typeof valeur === 'boolean') return valeur ? 'VRAI' : 'FAUX';
  if (typeof valeur === 'object') {
    const objet = valeur as Record<string, unknown>;
    if (Array.isArray(objet.richText)) {
      return celluleXlsx(objet.richText.map((morceau: { text?: unknown }) => String(morceau?.text ?? '')).join(''));
    }
    if ('formula' in objet || 'sharedFormula' in objet) return celluleXlsx(objet.result);
    if ('hyperlink' in objet || 'text' in objet) return celluleXlsx(objet.text);
    if (typeof objet.error === 'string') return objet.error;
  }
  return null;
}

function texteDe(cellule: Cellule): string {
  if (cellule === null) return '';
  if (cellule instanceof Date) return cellule.toISOString().slice(0, 10);
  return String(cellule).trim();
}

function estVide(valeurs: Cellule[]): boolean {
  return valeurs.every((valeur) => valeur === null);
}

/** Reads the header and peeks at the first data row, so that a bad or empty file fails here and not midway. */
async function ouvrir(format: 'csv' | 'xlsx', encodage: string | null, source: AsyncGenerator<Enregistrement>): Promise<FichierLu> {
  try {
    const entete = await suivantNonVide(source);
    if (!entete) throw new FichierImportInvalide('FICHIER_VIDE', `Le fichier ne contient aucune ligne. ${CONSEIL_FORMAT}`);
    const { colonnes, colonnesIgnorees, positions } = analyserEntete(entete.valeurs);
    const premiere = await suivantNonVide(source);
    if (!premiere) {
      throw new FichierImportInvalide(
        'FICHIER_VIDE',
        `Le fichier ne contient que la ligne d'en-tête : ajoutez une ligne par personne et par mois sous l'en-tête.`,
      );
    }
    return { format, encodage, colonnes, colonnesIgnorees, lignes: lignesDe(premiere, source, positions) };
  } catch (erreur) {
    await source.return(undefined);
    throw erreur;
  }
}

async function suivantNonVide(source: AsyncGenerator<Enregistrement>): Promise<Enregistrement | null> {
  for (;;) {
    const suivant = await source.next();
    if (suivant.done) return null;
    if (!estVide(suivant.value.valeurs)) return suivant.value;
  }
}

async function* lignesDe(
  premiere: Enregistrement,
  source: AsyncGenerator<Enregistrement>,
  positions: ReadonlyArray<ColonneImport | null>,
): AsyncGenerator<LigneBrute> {
  try {
    yield ligneBrute(premiere, positions);
    for (;;) {
      const suivant = await source.next();
      if (suivant.done) return;
      if (!estVide(suivant.value.valeurs)) yield ligneBrute(suivant.value, positions);
    }
  } finally {
    // Closes the file when the reader stops early.
    await source.return(undefined);
  }
}

function ligneBrute(enregistrement: Enregistrement, positions: ReadonlyArray<ColonneImport | null>): LigneBrute {
  const cellules: Partial<Record<ColonneImport, Cellule>> = {};
  positions.forEach((colonne, i) => {
    if (colonne) cellules[colonne] = enregistrement.valeurs[i] ?? null;
  });
  return { ligne: enregistrement.ligne, cellules };
}

function analyserEntete(valeurs: Cellule[]): {
  colonnes: ColonneImport[];
  colonnesIgnorees: string[];
  positions: Array<ColonneImport | null>;
} {
  const colonnes: ColonneImport[] = [];
  const colonnesIgnorees: string[] = [];
  const entetes = new Map<ColonneImport, string>();
  const positions = valeurs.map((valeur) => {
    const entete = texteDe(valeur);
    if (!entete) return null;
    const colonne = colonneDeLEntete(entete);
    if (!colonne) {
      colonnesIgnorees.push(entete);
      return null;
    }
    const deja = entetes.get(colonne);
    if (deja !== undefined) {
      throw new FichierImportInvalide(
        'FICHIER_COLONNE_EN_DOUBLE',
        `La colonne ${LIBELLES_COLONNES[colonne]} apparaît deux fois dans l'en-tête (« ${deja} » et « ${entete} ») : gardez-en une seule.`,
        { colonne, entetes: [deja, entete] },
      );
    }
    entetes.set(colonne, entete);
    colonnes.push(colonne);
    return colonne;
  });
  const manquantes = colonnesManquantes(new Set(colonnes));
  if (manquantes.length > 0) {
    throw new FichierImportInvalide(
      'FICHIER_COLONNES_MANQUANTES',
      `Il manque ${manquantes.length > 1 ? 'les colonnes' : 'la colonne'} ${manquantes.join(', ')} dans la ligne d'en-tête. ` +
        `Les colonnes mois et heures sont obligatoires, ainsi que soit la colonne placement, soit les colonnes ${COLONNES_IDENTITE.join(', ')}. ` +
        `Partez du modèle téléchargeable pour avoir les bons intitulés.`,
      { manquantes, colonnesIgnorees },
    );
  }
  return { colonnes, colonnesIgnorees, positions };
}

/** `mois` and `heures`, and either `placement` or every identity column; with no identity column at all, `placement` is the shortest fix. */
function colonnesManquantes(presentes: ReadonlySet<ColonneImport>): ColonneImport[] {
  const manquantes: ColonneImport[] = [];
  if (!presentes.has('placement')) {
    const identite = COLONNES_IDENTITE.filter((colonne) => !presentes.has(colonne));
    if (identite.length === COLONNES_IDENTITE.length) manquantes.push('placement');
    else manquantes.push(...identite);
  }
  for (const colonne of ['mois', 'heures'] as const) if (!presentes.has(colonne)) manquantes.push(colonne);
  return manquantes;
}

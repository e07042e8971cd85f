import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { FichierImportInvalide } from './fichier-invalide';
import { lireFichier, type FichierLu, type LigneBrute } from './lire-fichier';
import { lireLigneHeures } from './ligne-heures';

const FIXTURES = join(__dirname, '../../../../test/fixtures');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

let dossier: string;
beforeAll(async () => {
  dossier = await mkdtemp(join(tmpdir(), 'lecture-heures-'));
});
afterAll(async () => {
  await rm(dossier, { recursive: true, force: true });
});

let compteur = 0;
async function fichier(contenu: string | Buffer, extension = 'csv'): Promise<string> {
  const chemin = join(dossier, `f${compteur++}.${extension}`);
  await writeFile(chemin, contenu);
  return chemin;
}

async function toutes(lu: FichierLu): Promise<LigneBrute[]> {
  const lignes: LigneBrute[] = [];
  for await (const ligne of lu.lignes) lignes.push(ligne);
  return lignes;
}

async function refus(promesse: Promise<unknown>): Promise<FichierImportInvalide> {
  try {
    await promesse;
  } catch (erreur) {
    expect(erreur).toBeInstanceOf(FichierImportInvalide);
    return erreur as FichierImportInvalide;
  }
  throw new Error('expected a FichierImportInvalide');
}

const ENTETE = 'siret;nom;prenom;dateNaissance;marche;mois;heures';
const ACCENTS = `${ENTETE}\r\n732 829 320 00074;Müller-Lefèvre;Zoé;02/11/1999;2025-DIJ-014;01/2025;151,67\r\n732 829 320 00074;Dubois;Hélène;14/03/1988;2025-DIJ-014;02/2025;140\r\n`;

describe('lireFichier, CSV', () => {
  describe('encodings', () => {
    const attendues = [
      { ligne: 2, cellules: expect.objectContaining({ nom: 'Müller-Lefèvre', prenom: 'Zoé', heures: '151,67' }) },
      { ligne: 3, cellules: expect.objectContaining({ nom: 'Dubois', prenom: 'Hélène', heures: '140' }) },
    ];

    it('given UTF-8 with BOM, when read, then the accents are right and the encoding is utf-8', async () => {
      const lu = await lireFichier(await fichier(Buffer.concat([BOM, Buffer.from(ACCENTS)])));
      expect([lu.format, lu.encodage]).toEqual(['csv', 'utf-8']);
      expect(lu.colonnes).toEqual(['siret', 'nom', 'prenom', 'dateNaissance', 'marche', 'mois', 'heures']);
      expect(await toutes(lu)).toEqual(attendues);
    });

    it('given UTF-8 without BOM, when read, then the same rows', async () => {
      const lu = await lireFichier(await fichier(Buffer.from(ACCENTS)));
      expect(lu.encodage).toBe('utf-8');
      expect(await toutes(lu)).toEqual(attendues);
    });

    it('given Windows-1252, when read, then the same rows', async () => {
      const lu = await lireFichier(await fichier(iconv.encode(ACCENTS, 'windows-1252')));
      expect(lu.encodage).toBe('windows-1252');
      expect(await toutes(lu)).toEqual(attendues);
    });

    it('given UTF-8 whose 64 KiB sample ends inside a multibyte character, when read, then it is still UTF-8', async () => {
      // Padding puts the first byte of an "é" (2 bytes) last in the 64 KiB sample.
      const debut = `${ENTETE};commentaire\n1;a;b;01/01/1990;m;01/2025;1;`;
      const octets = Buffer.from(`${debut}${'x'.repeat(64 * 1024 - 1 - debut.length)}é\n`);
      expect([octets[64 * 1024 - 1], octets[64 * 1024]]).toEqual([0xc3, 0xa9]);
      const lu = await lireFichier(await fichier(octets));
      expect(lu.encodage).toBe('utf-8');
      expect(lu.colonnesIgnorees).toEqual(['commentaire']);
    });
  });

  describe('separators', () => {
    it.each([
      [';', 'a;b'],
      [',', 'a,b'],
      ['\t', 'a\tb'],
    ])('given the separator %p, when read, then the cells are split on it', async (separateur) => {
      const contenu = ['placement', 'mois', 'heures', 'remarque'].join(separateur) + '\n' + ['x', '03/2025', '"1,5"', 'a;b,c'].join(separateur) + '\n';
      const lu = await lireFichier(await fichier(contenu.replace('a;b,c', separateur === '\t' ? 'a;b,c' : `"a;b,c"`)));
      expect(lu.colonnesIgnorees).toEqual(['remarque']);
      expect(await toutes(lu)).toEqual([{ ligne: 2, cellules: { placement: 'x', mois: '03/2025', heures: '1,5' } }]);
    });

    it('given as many commas as semicolons in the header, when read, then the separator is the semicolon', async () => {
      // With ',' the header would lack placement and mois; with ';' it lacks heures only.
      const e = await refus(lireFichier(await fichier('placement;mois;a,b,heures\np;m;1,2,3\n')));
      expect(e.details).toMatchObject({ manquantes: ['heures'], colonnesIgnorees: ['a,b,heures'] });
    });

    it('given quoted separators in the header, when read, then they do not count', async () => {
      const lu = await lireFichier(await fichier('"a;b;c;d",placement,mois,heures\n0,1,2,3\n'));
      expect(lu.colonnes).toEqual(['placement', 'mois', 'heures']);
    });
  });

  describe('line numbers', () => {
    it('given quoted multi-line cells (LF and CRLF), when read, then later rows keep their physical line numbers', async () => {
      const contenu = [
        'placement;mois;heures;remarque',
        'p1;01/2025;1;"sur deux\r\nlignes"',
        'p2;02/2025;2;"sur trois\nlignes\nici"',
        'p3;03/2025;3;simple',
        '',
      ].join('\r\n');
      const lignes = await toutes(await lireFichier(await fichier(contenu)));
      expect(lignes.map((l) => [l.ligne, l.cellules.placement])).toEqual([
        [2, 'p1'],
        [4, 'p2'],
        [7, 'p3'],
      ]);
    });

    it('given empty rows and rows of empty cells, when read, then they are skipped and numbers are preserved', async () => {
      const contenu = 'placement;mois;heures\n\np1;01/2025;1\n;;\n  ; ;\n\np2;02/2025;2\n\n';
      const lignes = await toutes(await lireFichier(await fichier(contenu)));
      expect(lignes.map((l) => [l.ligne, l.cellules.placement])).toEqual([
        [3, 'p1'],
        [7, 'p2'],
      ]);
    });

    it('given short rows and padded cells, when read, then missing cells are null and cells are trimmed', async () => {
      const lignes = await toutes(await lireFichier(await fichier('placement;mois;heures\n  p1  ;01/2025\n')));
      expect(lignes).toEqual([{ ligne: 2, cellules: { placement: 'p1', mois: '01/2025', heures: null } }]);
    });
  });

  describe('header', () => {
    it('given aliases, accents and unknown headers, when read, then columns are mapped and the unknown ones listed', async () => {
      const contenu = `SIRET;Nom;Prénom;Date de naissance;N° de marché;Mois;Nombre d'heures;Commentaire;\n732 829 320 00074;Garçon;Noël;30/06/1975;2025-DIJ-014;01/2025;35;rien;\n`;
      const lu = await lireFichier(await fichier(contenu));
      expect(lu.colonnes).toEqual(['siret', 'nom', 'prenom', 'dateNaissance', 'marche', 'mois', 'heures']);
      expect(lu.colonnesIgnorees).toEqual(['Commentaire']);
      const [ligne] = await toutes(lu);
      expect(lireLigneHeures(ligne)).toEqual({
        ligne: {
          ligne: 2,
          cible: { siret: '73282932000074', nom: 'Garçon', prenom: 'Noël', dateNaissance: '1975-06-30', marche: '2025-DIJ-014' },
          mois: '2025-01',
          heures: 35,
        },
      });
    });

    it('given no placement and some identity columns missing, when read, then FICHIER_COLONNES_MANQUANTES lists them', async () => {
      const e = await refus(lireFichier(await fichier('siret;nom;mois\n1;2;3\n')));
      expect(e.code).toBe('FICHIER_COLONNES_MANQUANTES');
      expect(e.details).toMatchObject({ manquantes: ['prenom', 'dateNaissance', 'marche', 'heures'] });
      expect(e.message).toContain('prenom, dateNaissance, marche, heures');
    });

    it('given neither placement nor identity columns, when read, then placement is listed as missing', async () => {
      const e = await refus(lireFichier(await fichier('mois;heures;autre\n1;2;3\n')));
      expect(e.details).toMatchObject({ manquantes: ['placement'] });
    });

    it('given a placement column only with mois and heures, when read, then it is enough', async () => {
      const lu = await lireFichier(await fichier('placement;mois;heures\np;m;h\n'));
      expect(lu.colonnes).toEqual(['placement', 'mois', 'heures']);
    });

    it('given the same column twice under two names, when read, then FICHIER_COLONNE_EN_DOUBLE', async () => {
      const e = await refus(lireFichier(await fichier('placement;mois;heures;Nombre d’heures\np;m;1;2\n')));
      expect(e.code).toBe('FICHIER_COLONNE_EN_DOUBLE');
      expect(e.details).toMatchObject({ colonne: 'heures' });
    });
  });

  describe('unreadable files', () => {
    it.each([
      ['an empty file', ''],
      ['a BOM only', BOM],
      ['blank lines only', '\r\n\r\n ; ;\r\n'],
      ['a header only', `${ENTETE}\r\n`],
      ['a header and empty rows', `${ENTETE}\r\n;;;;;;\r\n\r\n`],
    ])('given %s, when read, then FICHIER_VIDE', async (_, contenu) => {
      expect((await refus(lireFichier(await fichier(contenu)))).code).toBe('FICHIER_VIDE');
    });

    it('given random binary, when read, then FICHIER_ILLISIBLE', async () => {
      const octets = Buffer.alloc(10_000);
      for (let i = 0; i < octets.length; i++) octets[i] = (i * 7919 + 13) % 256;
      expect((await refus(lireFichier(await fichier(octets, 'bin')))).code).toBe('FICHIER_ILLISIBLE');
    });

    it('given an old .xls or a UTF-16 text, when read, then FICHIER_ILLISIBLE says how to save it', async () => {
      const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
      expect((await refus(lireFichier(await fichier(xls, 'xls')))).message).toContain('.xls');
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ACCENTS, 'utf16le')]);
      expect((await refus(lireFichier(await fichier(utf16)))).message).toContain('UTF-16');
    });

    it('given a quote never closed, when the rows are read, then FICHIER_ILLISIBLE names the line where it opens', async () => {
      const lu = await lireFichier(await fichier('placement;mois;heures\np1;01/2025;1\np2;"02/2025;2\np3;03/2025;3\n'));
      const e = await refus(toutes(lu));
      expect(e.code).toBe('FICHIER_ILLISIBLE');
      expect(e.details).toMatchObject({ ligne: 3 });
    });
  });

  it('given a 50,000-row file, when streamed, then every row is read with bounded memory', async () => {
    const chemin = join(dossier, 'gros.csv');
    const sortie = createWriteStream(chemin);
    sortie.write(`\ufeff${ENTETE}\r\n`);
    for (let i = 0; i < 50_000; i++) {
      const ligne = `732 829 320 00074;Nom${i};Prénom${i};14/03/1988;2025-DIJ-014;${String((i % 12) + 1).padStart(2, '0')}/2025;${i % 200},5\r\n`;
      if (!sortie.write(ligne)) await once(sortie, 'drain');
    }
    sortie.end();
    await once(sortie, 'finish');

    const avant = process.memoryUsage().heapUsed;
    let lignes = 0;
    let valides = 0;
    let pic = avant;
    for await (const ligne of (await lireFichier(chemin)).lignes) {
      lignes++;
      if ('ligne' in lireLigneHeures(ligne)) valides++;
      if (lignes % 5_000 === 0) pic = Math.max(pic, process.memoryUsage().heapUsed);
    }
    expect(lignes).toBe(50_000);
    expect(valides).toBe(50_000);
    expect(pic - avant).toBeLessThan(60 * 1024 * 1024);
  });
});

describe('lireFichier, XLSX', () => {
  async function classeur(remplir: (feuille: ExcelJS.Worksheet, classeur: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    remplir(wb.addWorksheet('Heures'), wb);
    return fichier(Buffer.from(await wb.xlsx.writeBuffer()), 'xlsx');
  }

  it('given Date cells, numbers, rich text, formulas, hyperlinks and errors, when read, then each becomes a plain cell', async () => {
    const chemin = await classeur((f) => {
      f.addRow(['SIRET', 'Nom', 'Prénom', 'Date de naissance', 'Marché', 'Mois', 'Heures', 'Remarque']);
      f.addRow([
        73282932000074,
        { richText: [{ text: 'Dubois-', font: { bold: true } }, { text: 'Lefèvre' }] },
        { text: 'Hélène', hyperlink: 'mailto:helene@example.org' },
        new Date(Date.UTC(1988, 2, 14)),
        { formula: '"2025-"&"DIJ-014"', result: '2025-DIJ-014' },
        new Date(Date.UTC(2025, 0, 1)),
        { formula: '8*18.96', result: 151.68 },
        { error: '#N/A' },
      ]);
      f.getCell('D2').numFmt = 'dd/mm/yyyy';
      f.getCell('F2').numFmt = 'mm/yyyy';
      f.addRow([]);
      f.addRow([null, null, null]);
      f.getCell('A5').value = '732 829 320 00074';
      f.getCell('B5').value = '  Garçon ';
      f.getCell('C5').value = 'Noël';
      f.getCell('D5').value = '30/06/1975';
      f.getCell('E5').value = '2025-DIJ-014';
      f.getCell('F5').value = '02/2025';
      f.getCell('G5').value = { sharedFormula: 'G2', result: 35 } as ExcelJS.CellValue;
    });
    const lu = await lireFichier(chemin);
    expect([lu.format, lu.encodage]).toEqual(['xlsx', null]);
    expect(lu.colonnesIgnorees).toEqual(['Remarque']);
    const lignes = await toutes(lu);
    expect(lignes).toEqual([
      {
        ligne: 2,
        cellules: {
          siret: 73282932000074,
          nom: 'Dubois-Lefèvre',
          prenom: 'Hélène',
          dateNaissance: new Date(Date.UTC(1988, 2, 14)),
          marche: '2025-DIJ-014',
          mois: new Date(Date.UTC(2025, 0, 1)),
          heures: 151.68,
        },
      },
      {
        ligne: 5,
        cellules: { siret: '732 829 320 00074', nom: 'Garçon', prenom: 'Noël', dateNaissance: '30/06/1975', marche: '2025-DIJ-014', mois: '02/2025', heures: 35 },
      },
    ]);
    expect(lignes.map((l) => lireLigneHeures(l))).toEqual([
      { ligne: expect.objectContaining({ ligne: 2, mois: '2025-01', heures: 151.68, cible: expect.objectContaining({ dateNaissance: '1988-03-14' }) }) },
      { ligne: expect.objectContaining({ ligne: 5, mois: '2025-02', heures: 35 }) },
    ]);
  });

  it('given an error cell, when read, then it is its text', async () => {
    const chemin = await classeur((f) => {
      f.addRow(['placement', 'mois', 'heures']);
      f.addRow(['p', '03/2025', { error: '#N/A' }]);
    });
    const [ligne] = await toutes(await lireFichier(chemin));
    expect(ligne.cellules.heures).toBe('#N/A');
  });

  it('given several sheets, when read, then only the first one is', async () => {
    const chemin = await classeur((f, wb) => {
      f.addRow(['placement', 'mois', 'heures']);
      f.addRow(['p1', '03/2025', 1]);
      const autre = wb.addWorksheet('Autre');
      autre.addRow(['placement', 'mois', 'heures']);
      autre.addRow(['p2', '03/2025', 2]);
    });
    expect((await toutes(await lireFichier(chemin))).map((l) => l.cellules.placement)).toEqual(['p1']);
  });

  it('given a header-only workbook, when read, then FICHIER_VIDE', async () => {
    const chemin = await classeur((f) => f.addRow(['placement', 'mois', 'heures']));
    expect((await refus(lireFichier(chemin))).code).toBe('FICHIER_VIDE');
  });

  it('given missing columns in a workbook, when read, then FICHIER_COLONNES_MANQUANTES', async () => {
    const chemin = await classeur((f) => {
      f.addRow(['placement', 'heures']);
      f.addRow(['p', 1]);
    });
    expect((await refus(lireFichier(chemin))).details).toMatchObject({ manquantes: ['mois'] });
  });

  it.each([0.3, 0.6, 0.9])('given an .xlsx truncated to %p of its size, when read fully, then FICHIER_ILLISIBLE', async (part) => {
    const entier = await readFile(join(FIXTURES, 'heures.xlsx'));
    const chemin = await fichier(entier.subarray(0, Math.floor(entier.length * part)), 'xlsx');
    expect((await refus(lireFichier(chemin).then(toutes))).code).toBe('FICHIER_ILLISIBLE');
  });

  it('given a zip that is not a workbook, when read, then FICHIER_ILLISIBLE', async () => {
    const entier = await readFile(join(FIXTURES, 'heures.xlsx'));
    // A zip's local header for a file that is no worksheet: keep only the first entry ([Content_Types].xml).
    const chemin = await fichier(Buffer.concat([entier.subarray(0, 30), Buffer.alloc(200, 0x20)]), 'xlsx');
    expect((await refus(lireFichier(chemin).then(toutes))).code).toBe('FICHIER_ILLISIBLE');
  });
});

describe('committed fixtures', () => {
  const ATTENDUES = [
    ['Dubois-Lefèvre', 'Hélène', '1988-03-14', '2025-01', 151.67],
    ['Dubois-Lefèvre', 'Hélène', '1988-03-14', '2025-02', 140],
    ['Dubois-Lefèvre', 'Hélène', '1988-03-14', '2025-03', 98.5],
    ['Müller', 'Zoé', '1999-11-02', '2025-01', 120.25],
    ['Müller', 'Zoé', '1999-11-02', '2025-02', 75],
    ['Müller', 'Zoé', '1999-11-02', '2025-03', 151.67],
    ['Garçon', 'Noël', '1975-06-30', '2025-01', 35],
    ['Garçon', 'Noël', '1975-06-30', '2025-02', 70.5],
    ['Garçon', 'Noël', '1975-06-30', '2025-03', 140],
  ];

  it.each([
    ['heures-utf8-bom.csv', 'csv', 'utf-8'],
    ['heures-windows-1252.csv', 'csv', 'windows-1252'],
    ['heures.xlsx', 'xlsx', null],
  ])('given %s, when read, then the same 9 valid rows', async (nom, format, encodage) => {
    const lu = await lireFichier(join(FIXTURES, nom));
    expect([lu.format, lu.encodage, lu.colonnesIgnorees]).toEqual([format, encodage, []]);
    const lignes = (await toutes(lu)).map((brute) => {
      const resultat = lireLigneHeures(brute);
      if (!('ligne' in resultat)) throw new Error(JSON.stringify(resultat));
      const { ligne, cible, mois, heures } = resultat.ligne;
      if (!('siret' in cible)) throw new Error('identity expected');
      expect([ligne, cible.siret, cible.marche]).toEqual([brute.ligne, '73282932000074', '2025-DIJ-014']);
      return [cible.nom, cible.prenom, cible.dateNaissance, mois, heures];
    });
    expect(lignes).toEqual(ATTENDUES);
  });

  it('given heures-erreurs.csv, when read, then lines 3, 5 and 6 hold the expected errors and the others are valid', async () => {
    const resultats = [];
    for await (const brute of (await lireFichier(join(FIXTURES, 'heures-erreurs.csv'))).lignes) resultats.push(lireLigneHeures(brute));
    expect(resultats.filter((r) => 'ligne' in r).map((r) => ('ligne' in r ? r.ligne.ligne : 0))).toEqual([2, 4, 7]);
    expect(resultats.flatMap((r) => ('erreurs' in r ? r.erreurs.map((e) => [e.ligne, e.colonne, e.code]) : []))).toEqual([
      [3, 'mois', 'MOIS_INVALIDE'],
      [5, 'dateNaissance', 'DATE_NAISSANCE_INVALIDE'],
      [5, 'heures', 'HEURES_INVALIDES'],
      [6, 'siret', 'SIRET_INVALIDE'],
    ]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { COLONNES_IMPORT } from './colonnes';
import { lireFichier } from './lire-fichier';
import { lireLigneHeures } from './ligne-heures';
import { DOCUMENTATION_COLONNES, modeleCsv, modeleXlsx } from './modele';

let dossier: string;
beforeAll(async () => {
  dossier = await mkdtemp(join(tmpdir(), 'modele-heures-'));
});
afterAll(async () => {
  await rm(dossier, { recursive: true, force: true });
});

const ATTENDUES = [
  { ligne: 2, cible: { placementId: '00000000-0000-4000-8000-000000000000' }, mois: '2025-03', heures: 151.67 },
  {
    ligne: 3,
    cible: { siret: '73282932000074', nom: 'EXEMPLE', prenom: 'Camille', dateNaissance: '1990-03-14', marche: '2025-EX-001' },
    mois: '2025-03',
    heures: 35,
  },
];

async function relire(nom: string, contenu: Buffer) {
  const chemin = join(dossier, nom);
  await writeFile(chemin, contenu);
  const lu = await lireFichier(chemin);
  const lignes = [];
  for await (const brute of lu.lignes) lignes.push(lireLigneHeures(brute));
  return { lu, lignes };
}

describe('modeleCsv', () => {
  it('given the CSV template, when inspected, then it is UTF-8 with BOM, ";" and CRLF, header in COLONNES_IMPORT order', () => {
    const csv = modeleCsv();
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lignes = csv.subarray(3).toString('utf8').split('\r\n');
    expect(lignes[0]).toBe(COLONNES_IMPORT.join(';'));
    expect(lignes).toHaveLength(4);
    expect(lignes[3]).toBe('');
  });

  it('given the CSV template, when read back, then both example rows are accepted', async () => {
    const { lu, lignes } = await relire('modele.csv', modeleCsv());
    expect([lu.format, lu.encodage, lu.colonnes, lu.colonnesIgnorees]).toEqual(['csv', 'utf-8', [...COLONNES_IMPORT], []]);
    expect(lignes).toEqual(ATTENDUES.map((ligne) => ({ ligne })));
  });
});

describe('modeleXlsx', () => {
  it('given the XLSX template, when read back, then both example rows are accepted', async () => {
    const { lu, lignes } = await relire('modele.xlsx', await modeleXlsx());
    expect([lu.format, lu.encodage, lu.colonnes, lu.colonnesIgnorees]).toEqual(['xlsx', null, [...COLONNES_IMPORT], []]);
    expect(lignes).toEqual(ATTENDUES.map((ligne) => ({ ligne })));
  });

  it('given the XLSX template, when opened, then the header is bold and frozen, mois and dateNaissance are text, heures 0.00, and the guide documents every column', async () => {
    const classeur = new ExcelJS.Workbook();
    await classeur.xlsx.load((await modeleXlsx()) as never);
    const heures = classeur.getWorksheet('Heures')!;
    expect(heures.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(heures.getRow(1).getCell(1).font).toMatchObject({ bold: true });
    const colonne = (nom: string) => COLONNES_IMPORT.indexOf(nom as never) + 1;
    expect(heures.getColumn(colonne('mois')).numFmt).toBe('@');
    expect(heures.getColumn(colonne('dateNaissance')).numFmt).toBe('@');
    expect(heures.getColumn(colonne('heures')).numFmt).toBe('0.00');
    expect(heures.getRow(2).getCell(colonne('mois')).value).toBe('03/2025');
    expect(heures.getRow(2).getCell(1).font).toMatchObject({ italic: true });

    const aide = classeur.getWorksheet("Mode d'emploi")!;
    const documentees = [];
    for (let i = 2; i < 2 + COLONNES_IMPORT.length; i++) documentees.push(aide.getRow(i).getCell(1).value);
    expect(documentees).toEqual([...COLONNES_IMPORT]);
  });

  it('given the column documentation, when listed, then every column has one entry in order', () => {
    expect(DOCUMENTATION_COLONNES.map((d) => d.colonne)).toEqual([...COLONNES_IMPORT]);
    for (const d of DOCUMENTATION_COLONNES) expect(d.obligatoire && d.formats && d.exemple).toBeTruthy();
  });
});

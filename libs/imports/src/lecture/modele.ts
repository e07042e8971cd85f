import ExcelJS from 'exceljs';
import { COLONNES_IMPORT, type ColonneImport } from './colonnes';

/** The per-column documentation shared by the XLSX's second sheet and the API docs. */
export const DOCUMENTATION_COLONNES: ReadonlyArray<{ colonne: ColonneImport; obligatoire: string; formats: string; exemple: string }> = [
  {
    colonne: 'placement',
    obligatoire: 'Oui, sauf si les colonnes siret, nom, prenom, dateNaissance et marche sont toutes renseignées',
    formats: "L'identifiant du placement tel qu'affiché dans l'application (32 caractères hexadécimaux et 4 tirets). S'il est renseigné, les colonnes siret, nom, prenom, dateNaissance et marche de la ligne sont ignorées.",
    exemple: '00000000-0000-4000-8000-000000000000',
  },
  {
    colonne: 'siret',
    obligatoire: 'Oui, si la colonne placement est vide',
    formats: "Le SIRET de l'entreprise : 14 chiffres, espaces et points acceptés.",
    exemple: '732 829 320 00074',
  },
  {
    colonne: 'nom',
    obligatoire: 'Oui, si la colonne placement est vide',
    formats: 'Le nom de la personne, tel que saisi dans son dossier (100 caractères au plus).',
    exemple: 'EXEMPLE',
  },
  {
    colonne: 'prenom',
    obligatoire: 'Oui, si la colonne placement est vide',
    formats: 'Le prénom de la personne, tel que saisi dans son dossier (100 caractères au plus).',
    exemple: 'Camille',
  },
  {
    colonne: 'dateNaissance',
    obligatoire: 'Oui, si la colonne placement est vide',
    formats: 'JJ/MM/AAAA (aussi J/M/AAAA, JJ-MM-AAAA, JJ.MM.AAAA) ou AAAA-MM-JJ, ou une cellule de type date.',
    exemple: '14/03/1990',
  },
  {
    colonne: 'marche',
    obligatoire: 'Oui, si la colonne placement est vide',
    formats: 'Le numéro du marché, tel que saisi dans l’application.',
    exemple: '2025-EX-001',
  },
  {
    colonne: 'mois',
    obligatoire: 'Oui',
    formats: 'Le mois des heures : MM/AAAA (aussi M/AAAA), AAAA-MM, ou un jour de ce mois (JJ/MM/AAAA, AAAA-MM-JJ, cellule de type date).',
    exemple: '03/2025',
  },
  {
    colonne: 'heures',
    obligatoire: 'Oui',
    formats: "Le nombre d'heures d'insertion du mois, supérieur à 0, au plus 2 décimales, virgule ou point décimal ; espaces acceptés entre les milliers.",
    exemple: '151,67',
  },
];

/** Clearly fake values, one row per way of naming a placement. */
const EXEMPLES: ReadonlyArray<Readonly<Record<ColonneImport, string>>> = [
  {
    placement: '00000000-0000-4000-8000-000000000000',
    siret: '',
    nom: '',
    prenom: '',
    dateNaissance: '',
    marche: '',
    mois: '03/2025',
    heures: '151,67',
  },
  {
    placement: '',
    // Spaced so that Excel keeps it as text instead of showing 7,32829E+13.
    siret: '732 829 320 00074',
    nom: 'EXEMPLE',
    prenom: 'Camille',
    dateNaissance: '14/03/1990',
    marche: '2025-EX-001',
    mois: '03/2025',
    heures: '35',
  },
];

function champCsv(valeur: string): string {
  return /[";\r\n]/.test(valeur) ? `"${valeur.replace(/"/g, '""')}"` : valeur;
}

/** The CSV template: UTF-8 with BOM, ';' separator, CRLF, the header row and one example row per way of identifying a placement, so Excel opens it right. */
export function modeleCsv(): Buffer {
  const lignes = [COLONNES_IMPORT.join(';'), ...EXEMPLES.map((exemple) => COLONNES_IMPORT.map((colonne) => champCsv(exemple[colonne])).join(';'))];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lignes.join('\r\n') + '\r\n', 'utf8')]);
}

const LARGEURS: Readonly<Record<ColonneImport, number>> = {
  placement: 40,
  siret: 20,
  nom: 24,
  prenom: 20,
  dateNaissance: 16,
  marche: 18,
  mois: 10,
  heures: 10,
};

const GRIS_ITALIQUE: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF808080' } };

/**
 * The XLSX template: sheet "Heures" (bold frozen header, example rows in grey italics), the mois and dateNaissance
 * columns formatted as text so that Excel does not turn 03/2025 into a date, heures as 0.00; sheet "Mode d'emploi".
 */
export async function modeleXlsx(): Promise<Buffer> {
  const classeur = new ExcelJS.Workbook();
  classeur.creator = 'suivi-clauses';

  const feuille = classeur.addWorksheet('Heures', { views: [{ state: 'frozen', ySplit: 1 }] });
  feuille.columns = COLONNES_IMPORT.map((colonne) => ({
    header: colonne,
    key: colonne,
    width: LARGEURS[colonne],
    style: { numFmt: colonne === 'heures' ? '0.00' : '@' },
  }));
  feuille.getRow(1).font = { bold: true };
  for (const exemple of EXEMPLES) {
    const rangee = feuille.addRow(
      COLONNES_IMPORT.map((colonne) => {
        const valeur = exemple[colonne];
        if (valeur === '') return null;
        if (colonne === 'heures') return Number(valeur.replace(',', '.'));
        if (colonne === 'siret') return valeur.replace(/\s/g, '');
        return valeur;
      }),
    );
    rangee.eachCell({ includeEmpty: true }, (cellule) => {
      cellule.font = GRIS_ITALIQUE;
    });
  }

  const aide = classeur.addWorksheet("Mode d'emploi", { views: [{ state: 'frozen', ySplit: 1 }] });
  aide.columns = [
    { header: 'Colonne', key: 'colonne', width: 16 },
    { header: 'Obligatoire', key: 'obligatoire', width: 40 },
    { header: 'Formats acceptés', key: 'formats', width: 80 },
    { header: 'Exemple', key: 'exemple', width: 40 },
  ];
  aide.getRow(1).font = { bold: true };
  for (const documentation of DOCUMENTATION_COLONNES) {
    aide.addRow(documentation).alignment = { wrapText: true, vertical: 'top' };
  }
  aide.addRow([]);
  aide.addRow([
    'Remarque',
    '',
    "Une ligne par personne, par placement et par mois. Les lignes d'exemple en gris de la feuille Heures sont à remplacer par vos données.",
  ]).alignment = { wrapText: true, vertical: 'top' };

  return Buffer.from(await classeur.xlsx.writeBuffer());
}

import { cellulesMarche, colonnesMarche } from '../conformite/marches.xlsx';
import { classeurXlsx, type Cellule, type CelluleTypee, type Feuille } from '../exports-xlsx/classeur';
import type { AvecSecret } from '../secret-statistique/secret-statistique';
import { sectionsBilan, type Section } from './bilan.csv';
import type { BilanVue } from './bilans.handlers';

/*
 * The yearly report as an XLSX workbook (issue 16): the same figures, labels and masking as the CSV
 * (bilan.csv.ts), typed cells instead of texts. Sheets:
 * - "Synthèse": the year's figures (label, value) by sections, a section's title in bold;
 * - "Publics": the people's sections (sex, QPV, age, level of education, eligibility criteria);
 * - "Entreprises": the entreprises' sections (by type, by trade, hours by type of employer);
 * - "Marchés": one line per marché of the compliance scope;
 * - "Opérations": one line per opération.
 */

const SECTIONS_PUBLICS = ['Publics', 'Niveaux de formation (personnes)', "Critères d'éligibilité (personnes)"];
const SECTIONS_ENTREPRISES = ['Entreprises par type', 'Entreprises classiques par métier', "Heures par type d'employeur"];

const type =
  (t: CelluleTypee['type']) =>
  (v: number | null): CelluleTypee => ({ valeur: v, type: t });

function feuilleDeSections(titre: string, sections: Array<Section<Cellule>>): Feuille {
  const lignes: Cellule[][] = [];
  const lignesEnGras: number[] = [];
  for (const s of sections) {
    lignesEnGras.push(lignes.length);
    lignes.push([s.titre, undefined]);
    lignes.push(...s.lignes);
  }
  return {
    titre,
    colonnes: [
      { titre: 'Indicateur', type: 'texte', largeur: 55 },
      { titre: 'Valeur', type: 'texte', largeur: 22 },
    ],
    lignes,
    lignesEnGras,
  };
}

export function bilanEnXlsx(bilan: AvecSecret<BilanVue>): Promise<Buffer> {
  const sections = sectionsBilan<Cellule>(bilan, {
    entier: type('entier'),
    heures: type('heures'),
    etp: type('heures'),
    pourcentage: type('part'),
    ouiNon: (b) => b,
    texte: (t) => t,
    date: (iso) => ({ valeur: iso, type: 'date' }),
  });
  const dans = (titres: string[]) => sections.filter((s) => titres.includes(s.titre));
  const hors = sections.filter((s) => !SECTIONS_PUBLICS.includes(s.titre) && !SECTIONS_ENTREPRISES.includes(s.titre));
  const marches: Feuille = {
    titre: 'Marchés',
    colonnes: colonnesMarche(bilan.conformite.date),
    lignes: (bilan.marches ?? []).map((m) => cellulesMarche(m, m.donneurOrdre)),
  };
  const operations: Feuille = {
    titre: 'Opérations',
    colonnes: [
      { titre: 'Opération', type: 'texte', largeur: 40 },
      { titre: 'Commune', type: 'texte' },
      { titre: 'Marchés retenus', type: 'entier' },
      { titre: 'Heures prévues', type: 'heures' },
      { titre: "Heures réalisées dans l'année", type: 'heures' },
      { titre: 'Heures réalisées cumulées', type: 'heures' },
      { titre: 'Salariés (personnes)', type: 'entier' },
    ],
    lignes: bilan.operations.map((op) => [op.nom, op.commune, op.marches, op.heuresPrevues, op.heuresRealisees, op.heuresRealiseesCumulees, op.salaries]),
  };
  return classeurXlsx(
    [feuilleDeSections('Synthèse', hors), feuilleDeSections('Publics', dans(SECTIONS_PUBLICS)), feuilleDeSections('Entreprises', dans(SECTIONS_ENTREPRISES)), marches, operations],
    bilan.secretStatistique?.seuil,
  );
}

import { stringify } from 'csv-stringify/sync';
import { NIVEAUX_FORMATION } from '@suivi/domain';
import {
  libelle,
  LIBELLE_CATEGORIE_SORTIE,
  LIBELLE_CRITERE_ELIGIBILITE,
  LIBELLE_METIER,
  LIBELLE_MODALITE,
  LIBELLE_NIVEAU_FORMATION,
  LIBELLE_SECTEUR,
  LIBELLE_STATUT_CONFORMITE,
  LIBELLE_TYPE_CONTRAT,
  LIBELLE_TYPE_ENTREPRISE,
} from './libelles';
import { marqueDuMasque, type AvecSecret } from '../secret-statistique/secret-statistique';
import type { BilanVue } from './bilans.handlers';

/*
 * The yearly report as a French spreadsheet reads it (issue 13):
 * - UTF-8 with a BOM (Excel then shows the accents), `;` between fields, CRLF at the end of each line;
 * - French labels, enum values in words (libelles.ts);
 * - numbers without thousands separator and with a decimal comma: hours and ETP with two decimals
 *   (`1234,50`), counts as integers, percentages with one decimal, a normal space and `%` (`26,0 %`:
 *   Excel and LibreOffice in French read it as the number 0,26), dates as JJ/MM/AAAA, booleans Oui / Non.
 * Three tables, separated by a blank line:
 * 1. the year's figures, two columns (label, value), by sections: a section's title is a line whose value is empty;
 * 2. one line per marché of the compliance scope (`marches` of the JSON);
 * 3. one line per opération (`operations` of the JSON).
 * A figure masked by the statistical secrecy (null in the JSON) reads `<5` (`<` and the threshold).
 */

type Ligne = string[];

/** Tables for a French spreadsheet: UTF-8 with a BOM, `;` between fields, CRLF, a blank line between tables. */
export function csvFrancais(tables: Ligne[][]): string {
  return '\uFEFF' + tables.map((t) => stringify(t, { delimiter: ';', record_delimiter: '\r\n' })).join('\r\n');
}

const decimal = (n: number, decimales: number) => n.toFixed(decimales).replace('.', ',');
const entierFr = (n: number) => String(n);
const heuresFr = (n: number) => decimal(n, 2);
const etpFr = (n: number) => decimal(n, 2);
/** A share between 0 and 1 (or a rate above 1) as `26,0 %`. */
const pourcentageFr = (part: number) => `${decimal(Math.round(part * 1000) / 10, 1)} %`;
export { entierFr as entier, heuresFr as heures, etpFr as etp, pourcentageFr as pourcentage };
/** `YYYY-MM-DD` as `JJ/MM/AAAA`. */
export const dateFr = (iso: string) => {
  const [a, m, j] = iso.slice(0, 10).split('-');
  return `${j}/${m}/${a}`;
};
const ouiNonFr = (b: boolean) => (b ? 'Oui' : 'Non');

/** A text typed by a user, kept from being read as a formula by a spreadsheet (CSV injection). */
export const texte = (t: string) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t);

/** How the year's figures are written: as CSV texts, or as typed cells (bilan.xlsx.ts). */
export interface Formateurs<C> {
  entier(n: number | null): C;
  heures(n: number | null): C;
  etp(n: number | null): C;
  pourcentage(part: number | null): C;
  ouiNon(b: boolean | null): C;
  /** A text (typed by a user or not). */
  texte(t: string): C;
  /** `YYYY-MM-DD`. */
  date(iso: string): C;
}

/** A section of the year's figures: its title and its (label, value) lines. */
export type Section<C> = { titre: string; lignes: Array<[string, C]> };

/**
 * One line per value of the mapping, in its order, 0 where the JSON has none (the same lines every year),
 * then any key the mapping does not know.
 */
function parLibelle<C>(
  libelles: Readonly<Record<string, string>>,
  valeurs: Record<string, number | null>,
  format: (n: number | null) => C,
  ordre: readonly string[] = Object.keys(libelles),
): Array<[string, C]> {
  const cles = [...ordre, ...Object.keys(valeurs).filter((c) => !ordre.includes(c))];
  // A masked value (null) is not a missing one (0).
  return cles.map((c) => [libelle(libelles, c), format(c in valeurs ? valeurs[c] : 0)]);
}

export function bilanEnCsv(bilan: AvecSecret<BilanVue>): string {
  const masque = marqueDuMasque(bilan.secretStatistique?.seuil);
  const ouMasque =
    <T>(format: (v: T) => string) =>
    (v: T | null): string =>
      v === null ? masque : format(v);
  const lignes: Ligne[] = [['Indicateur', 'Valeur']];
  const sections = sectionsBilan<string>(bilan, {
    entier: ouMasque(entierFr),
    heures: ouMasque(heuresFr),
    etp: ouMasque(etpFr),
    pourcentage: ouMasque(pourcentageFr),
    ouiNon: ouMasque(ouiNonFr),
    texte,
    date: dateFr,
  });
  for (const s of sections) lignes.push([s.titre, ''], ...s.lignes);
  const heures = ouMasque(heuresFr);
  const pourcentage = ouMasque(pourcentageFr);
  const entier = ouMasque(entierFr);
  const c = bilan.conformite;

  const marches: Ligne[] = [
    [
      'Numéro du marché',
      'Objet',
      "Donneur d'ordre",
      'Secteur',
      'Début',
      'Fin prévue',
      'Clôture',
      'Heures prévues',
      'Heures réalisées',
      'Taux de réalisation',
      `Statut au ${dateFr(c.date)}`,
      'Heures après clôture',
    ],
    ...(bilan.marches ?? []).map((m) => [
      texte(m.numero),
      texte(m.objet),
      texte(m.donneurOrdre),
      libelle(LIBELLE_SECTEUR, m.secteur),
      dateFr(m.dateDebut),
      dateFr(m.dateFin),
      m.dateCloture ? dateFr(m.dateCloture) : '',
      heures(m.heuresPrevues),
      heures(m.heuresRealisees),
      pourcentage(m.tauxRealisation),
      libelle(LIBELLE_STATUT_CONFORMITE, m.statut),
      heures(m.heuresApresCloture),
    ]),
  ];

  const operations: Ligne[] = [
    ['Opération', 'Commune', 'Marchés retenus', 'Heures prévues', "Heures réalisées dans l'année", 'Heures réalisées cumulées', 'Salariés (personnes)'],
    ...bilan.operations.map((op) => [
      texte(op.nom),
      texte(op.commune),
      entier(op.marches),
      heures(op.heuresPrevues),
      heures(op.heuresRealisees),
      heures(op.heuresRealiseesCumulees),
      entier(op.salaries),
    ]),
  ];

  return csvFrancais([lignes, marches, operations]);
}

function objectif<C>(
  nom: string,
  o: { objectif: number | null; realise: number | null; atteint: boolean | null },
  format: (n: number | null) => C,
  ouiNon: (b: boolean | null) => C,
): Array<[string, C]> {
  return [
    [`${nom} : objectif`, format(o.objectif)],
    [`${nom} : réalisé`, format(o.realise)],
    [`${nom} : objectif atteint`, ouiNon(o.atteint)],
  ];
}

function nombreOuRien(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The year's figures by sections (the first table of the CSV, the "Synthèse" and "Publics" sheets of the XLSX). */
export function sectionsBilan<C>(bilan: AvecSecret<BilanVue>, f: Formateurs<C>): Array<Section<C>> {
  const { entier, heures, etp, pourcentage, ouiNon } = f;
  const i = bilan.indicateurs;
  const sections: Array<Section<C>> = [];
  const section = (titre: string, lignes: Array<[string, C]>) => sections.push({ titre, lignes });
  const ligne = (l: string, v: C): [string, C] => [l, v];

  const perimetre = bilan.perimetre as { du?: string; au?: string; donneurOrdreId?: string; operationId?: string; marcheId?: string; secteur?: string };
  const nomDonneurOrdre = (id: string) => bilan.marches?.find((m) => m.donneurOrdreId === id)?.donneurOrdre ?? id;
  section('Bilan', [
    ligne('Année', f.texte(String(bilan.annee))),
    ...(perimetre.du ? [ligne('Du', f.date(perimetre.du))] : []),
    ...(perimetre.au ? [ligne('Au', f.date(perimetre.au))] : []),
    ...(perimetre.donneurOrdreId ? [ligne("Donneur d'ordre (filtre)", f.texte(nomDonneurOrdre(perimetre.donneurOrdreId)))] : []),
    ...(perimetre.operationId ? [ligne('Opération (filtre)', f.texte(bilan.operations.find((o) => o.operationId === perimetre.operationId)?.nom ?? perimetre.operationId))] : []),
    ...(perimetre.marcheId ? [ligne('Marché (filtre)', f.texte(bilan.marches?.find((m) => m.marcheId === perimetre.marcheId)?.numero ?? perimetre.marcheId))] : []),
    ...(perimetre.secteur ? [ligne('Secteur (filtre)', f.texte(libelle(LIBELLE_SECTEUR, perimetre.secteur)))] : []),
    ligne('Position du journal des événements lue', entier(bilan.fraicheur.position)),
  ]);

  // The ETP divisor, where the JSON carries it (setting of the deployment).
  const heuresParEtp = nombreOuRien((bilan as { heuresParEtp?: unknown }).heuresParEtp) ?? nombreOuRien((i as { heuresParEtp?: unknown }).heuresParEtp);
  section("Indicateurs de l'année", [
    ligne('Heures réalisées', heures(i.heuresRealisees)),
    ligne('Équivalents temps plein (ETP)', etp(i.etp)),
    ...(heuresParEtp !== undefined ? [ligne('Heures par ETP (diviseur)', heures(heuresParEtp))] : []),
    ligne('Salariés (personnes)', entier(i.salaries)),
    ligne('Entreprises', entier(i.entreprises)),
    ligne('Opérations', entier(i.operations)),
    ligne("Donneurs d'ordre", entier(i.donneursOrdre)),
    ligne('Marchés', entier(i.marches)),
  ]);
  section('Heures par secteur', parLibelle(LIBELLE_SECTEUR, i.heuresParSecteur, heures));
  section('Publics', [
    ligne('Salariés (personnes)', entier(i.salaries)),
    ligne('Femmes (personnes)', entier(i.femmes)),
    ligne('Part des femmes (personnes)', pourcentage(i.partFemmes)),
    ligne('Part des femmes (heures)', pourcentage(i.partFemmesHeures)),
    ligne('Résidents QPV (personnes)', entier(i.residentsQpv)),
    ligne('Part des résidents QPV (personnes)', pourcentage(i.partQpvPersonnes)),
    ligne('Part des résidents QPV (heures)', pourcentage(i.partQpvHeures)),
    ligne('Moins de 26 ans (personnes)', entier(i.moins26Ans)),
    ligne('Part des moins de 26 ans (personnes)', pourcentage(i.partMoins26Ans)),
    ligne('50 ans et plus (personnes)', entier(i.plus50Ans)),
    ligne('Part des 50 ans et plus (personnes)', pourcentage(i.partPlus50Ans)),
  ]);
  section('Niveaux de formation (personnes)', parLibelle(LIBELLE_NIVEAU_FORMATION, i.niveauxFormation, entier, NIVEAUX_FORMATION));
  section("Critères d'éligibilité (personnes)", parLibelle(LIBELLE_CRITERE_ELIGIBILITE, i.criteres, entier));
  section('Contrats et sorties', [
    ligne('Embauches (personnes)', entier(i.embauches)),
    ligne('Placements en embauche', entier(i.placementsEmbauche)),
    ligne('Sorties (personnes)', entier(i.sorties)),
    ligne('Sorties positives (personnes)', entier(i.sortiesPositives)),
    ligne('Personnes en emploi', entier(i.personnesEnEmploi)),
    ligne('Sorties comptées comme personnes en emploi', f.texte(i.categoriesPersonnesEnEmploi.map((c) => libelle(LIBELLE_CATEGORIE_SORTIE, c)).join(', '))),
    ligne('Placements terminés', entier(i.placementsTermines)),
    ligne('Placements terminés en sortie positive', entier(i.placementsSortiePositive)),
  ]);
  section('Placements commencés par contrat', parLibelle(LIBELLE_TYPE_CONTRAT, i.placementsParContrat, entier));
  section('Placements commencés par modalité', parLibelle(LIBELLE_MODALITE, i.placementsParModalite, entier));
  section('Sorties par catégorie (personnes)', parLibelle(LIBELLE_CATEGORIE_SORTIE, i.sortiesParCategorie, entier));
  section('Placements terminés par catégorie', parLibelle(LIBELLE_CATEGORIE_SORTIE, i.placementsTerminesParCategorie, entier));
  section('Entreprises par type', parLibelle(LIBELLE_TYPE_ENTREPRISE, i.entreprisesParType, entier));
  section('Entreprises classiques par métier', parLibelle(LIBELLE_METIER, i.entreprisesParMetier, entier));
  section('Heures par modalité', parLibelle(LIBELLE_MODALITE, i.heuresParModalite, heures));
  section("Heures par type d'employeur", parLibelle(LIBELLE_TYPE_ENTREPRISE, i.heuresParTypeEmployeur, heures));

  const o = bilan.objectifs;
  section(
    'Objectifs du financeur',
    o
      ? [
          ...objectif("Heures d'insertion", o.heures, heures, ouiNon),
          ...objectif('Part des résidents QPV (personnes)', o.partQpvPersonnes, pourcentage, ouiNon),
          ...objectif('Personnes en emploi', o.personnesEnEmploi, entier, ouiNon),
        ]
      : [ligne('Objectifs', f.texte(`Aucun objectif fixé pour ${bilan.annee}`))],
  );

  const c = bilan.conformite;
  const statuts = [...Object.keys(LIBELLE_STATUT_CONFORMITE), ...Object.keys(c.parStatut).filter((s) => !(s in LIBELLE_STATUT_CONFORMITE))];
  section('Conformité des marchés', [
    ligne("Date d'évaluation", f.date(c.date)),
    ligne('Marchés évalués', entier(c.marches)),
    ...statuts.map((s) => ligne(`Marchés : ${libelle(LIBELLE_STATUT_CONFORMITE, s)}`, entier(c.parStatut[s] ?? 0))),
    ligne('Heures après clôture (hors conformité)', heures(c.heuresApresCloture)),
  ]);
  return sections;
}

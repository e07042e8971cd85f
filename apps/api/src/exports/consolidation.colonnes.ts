import { BASES_JURIDIQUES, CATEGORIES_SORTIE, CRITERES_ELIGIBILITE, SECTEURS, TYPES_CONTRAT, TYPES_DONNEUR_ORDRE, TYPES_ENTREPRISE } from '@suivi/domain';
import type { Indicateurs, Repartitions, RepartitionsConsolidation } from '@suivi/projections';

/** Everything the columns are read from: calculerIndicateurs, calculerRepartitions, calculerRepartitionsConsolidation. */
export type FiguresConsolidation = Indicateurs & Repartitions & RepartitionsConsolidation;

export type Unite = 'heures' | 'etp' | 'placements' | 'personnes' | 'donneurs_ordre' | 'marches' | 'entreprises';

export interface ColonneConsolidation {
  /** Stable code (lower-case snake case): what a consolidation script keys on. Never renamed once published. */
  code: string;
  libelle: string;
  unite: Unite;
  definition: string;
  valeur: (f: FiguresConsolidation) => number;
}

/** The codes of a domain value: lower case, `-` as `_` (L2112-2 → l2112_2). */
const codeDe = (valeur: string) => valeur.toLowerCase().replace(/-/g, '_');

const LIBELLES_CONTRAT: Record<string, string> = {
  cdi: 'CDI',
  cdd: 'CDD',
  cddi: "CDDI (contrat à durée déterminée d'insertion)",
  interim: 'Intérim (mission de travail temporaire)',
  contrat_pro: 'Contrat de professionnalisation',
  apprentissage: "Contrat d'apprentissage",
  formation: 'Formation qualifiante liée au marché',
};
const LIBELLES_CRITERE: Record<string, string> = {
  deld: "Demandeur d'emploi de longue durée",
  brsa: 'Bénéficiaire du RSA ou d’un minimum social',
  jeune_peu_qualifie: 'Jeune de moins de 26 ans sans qualification ou sans expérience',
  rqth: 'Travailleur handicapé (RQTH)',
  senior_demandeur: "Demandeur d'emploi de plus de 50 ans",
  qpv_sans_emploi: 'Résident QPV sans emploi',
  salarie_siae: 'Salarié d’une SIAE',
  refugie: 'Réfugié',
  sous_main_justice: 'Personne placée sous main de justice',
  autre: 'Autre situation validée par le service',
};
const LIBELLES_DONNEUR: Record<string, string> = {
  collectivite: 'Collectivité territoriale',
  etat: "Services de l'État",
  bailleur_social: 'Bailleur social',
  etablissement_public: 'Établissement public',
  prive: "Maître d'ouvrage privé",
};
const LIBELLES_BASE: Record<string, string> = {
  'L2112-2': "Condition d'exécution (L2112-2)",
  'L2152-7': "Critère d'attribution (L2152-7)",
  'L2113-12': 'Marché réservé EA/ESAT (L2113-12)',
  'L2113-13': 'Marché réservé SIAE (L2113-13)',
  marche_insertion: "Marché d'insertion et de qualification",
};
const LIBELLES_SECTEUR: Record<string, string> = {
  btp: 'Bâtiment et travaux publics',
  services: 'Services',
  prestations_intellectuelles: 'Prestations intellectuelles',
};
const LIBELLES_ENTREPRISE: Record<string, string> = {
  classique: 'Entreprise classique',
  ei: "Entreprise d'insertion (EI)",
  ai: 'Association intermédiaire (AI)',
  aci: "Atelier et chantier d'insertion (ACI)",
  etti: "Entreprise de travail temporaire d'insertion (ETTI)",
  geiq: "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)",
  esat: "Établissement et service d'aide par le travail (ESAT)",
  ea: 'Entreprise adaptée (EA)',
};
const LIBELLES_SORTIE: Record<string, string> = {
  emploi_durable: 'Emploi durable',
  emploi_transition: 'Emploi de transition',
  sortie_positive_formation: 'Sortie positive (formation, embauche en SIAE)',
  autre: 'Autre sortie',
};

const libelle = (table: Record<string, string>, valeur: string) => table[valeur] ?? valeur;

const PERSONNES = 'Personnes distinctes ayant des heures (> 0) dans l’année';
const AGE = 'âge à l’enregistrement de la personne, en années révolues au jour de son enregistrement';

/**
 * The columns of the export, in their order. Each reads one figure of an existing query (one definition per
 * figure); the only derived ones are `personnes_hommes` (total − femmes: the sex is F or M) and
 * `personnes_26_49_ans` (total − under 26 − 50 and over). docs/consolidation.md documents every code (a test checks it).
 */
export const COLONNES_CONSOLIDATION: readonly ColonneConsolidation[] = [
  {
    code: 'heures_insertion',
    libelle: "Heures d'insertion réalisées",
    unite: 'heures',
    definition: 'Heures déclarées après corrections, des mois de l’année, sur tous les marchés de l’équipe.',
    valeur: (f) => f.heuresRealisees,
  },
  {
    code: 'etp',
    libelle: 'Équivalents temps plein',
    unite: 'etp',
    definition: 'heures_insertion / heures d’un ETP (réglage HEURES_PAR_ETP, 1 607 par défaut), arrondi au centième.',
    valeur: (f) => f.etp,
  },
  {
    code: 'contrats_total',
    libelle: 'Contrats démarrés (tous types)',
    unite: 'placements',
    definition: 'Placements démarrés dans l’année (date de début dans l’année) ; somme des colonnes contrats_*.',
    valeur: (f) => Object.values(f.placementsParContrat).reduce((s, n) => s + n, 0),
  },
  ...TYPES_CONTRAT.map<ColonneConsolidation>((t) => ({
    code: `contrats_${codeDe(t)}`,
    libelle: `Contrats démarrés : ${libelle(LIBELLES_CONTRAT, t)}`,
    unite: 'placements',
    definition: `Placements démarrés dans l’année dont le type de contrat est ${t}.`,
    valeur: (f) => f.placementsParContrat[t] ?? 0,
  })),
  {
    code: 'personnes_total',
    libelle: 'Personnes en parcours',
    unite: 'personnes',
    definition: `${PERSONNES}.`,
    valeur: (f) => f.salaries,
  },
  {
    code: 'personnes_femmes',
    libelle: 'Personnes : femmes',
    unite: 'personnes',
    definition: `${PERSONNES}, de sexe F.`,
    valeur: (f) => f.femmes,
  },
  {
    code: 'personnes_hommes',
    libelle: 'Personnes : hommes',
    unite: 'personnes',
    definition: `${PERSONNES}, de sexe M (personnes_total − personnes_femmes).`,
    valeur: (f) => f.salaries - f.femmes,
  },
  {
    code: 'personnes_moins_26_ans',
    libelle: 'Personnes : moins de 26 ans',
    unite: 'personnes',
    definition: `${PERSONNES}, de moins de 26 ans (${AGE}).`,
    valeur: (f) => f.moins26Ans,
  },
  {
    code: 'personnes_26_49_ans',
    libelle: 'Personnes : 26 à 49 ans',
    unite: 'personnes',
    definition: `${PERSONNES}, de 26 à 49 ans (${AGE}) : personnes_total − personnes_moins_26_ans − personnes_50_ans_et_plus.`,
    valeur: (f) => f.salaries - f.moins26Ans - f.plus50Ans,
  },
  {
    code: 'personnes_50_ans_et_plus',
    libelle: 'Personnes : 50 ans et plus',
    unite: 'personnes',
    definition: `${PERSONNES}, de 50 ans et plus (${AGE}).`,
    valeur: (f) => f.plus50Ans,
  },
  {
    code: 'personnes_qpv',
    libelle: 'Personnes résidant en QPV',
    unite: 'personnes',
    definition: `${PERSONNES}, résidant dans un quartier prioritaire de la politique de la ville à leur enregistrement.`,
    valeur: (f) => f.residentsQpv,
  },
  ...CRITERES_ELIGIBILITE.map<ColonneConsolidation>((c) => ({
    code: `personnes_critere_${codeDe(c)}`,
    libelle: `Personnes par critère d'éligibilité : ${libelle(LIBELLES_CRITERE, c)}`,
    unite: 'personnes',
    definition: `${PERSONNES}, ayant le critère ${c} validé au plus tard le 31 décembre (une personne compte dans chacun de ses critères).`,
    valeur: (f) => f.criteres[c] ?? 0,
  })),
  {
    code: 'maitres_ouvrage_total',
    libelle: "Maîtres d'ouvrage",
    unite: 'donneurs_ordre',
    definition: "Donneurs d'ordre dont les marchés ont des heures dans l’année ; somme des colonnes maitres_ouvrage_* par type.",
    valeur: (f) => f.donneursOrdre,
  },
  ...TYPES_DONNEUR_ORDRE.map<ColonneConsolidation>((t) => ({
    code: `maitres_ouvrage_${codeDe(t)}`,
    libelle: `Maîtres d'ouvrage : ${libelle(LIBELLES_DONNEUR, t)}`,
    unite: 'donneurs_ordre',
    definition: `Donneurs d'ordre de maitres_ouvrage_total de type ${t}.`,
    valeur: (f) => f.donneursOrdreParType[t] ?? 0,
  })),
  {
    code: 'marches_total',
    libelle: 'Marchés',
    unite: 'marches',
    definition:
      "Marchés (ou lots) ayant des heures dans l’année ; un marché dont la période d'exécution chevauche l’année sans heures dans l’année n'est pas compté.",
    valeur: (f) => f.marches,
  },
  ...BASES_JURIDIQUES.map<ColonneConsolidation>((b) => ({
    code: `marches_base_${codeDe(b)}`,
    libelle: `Marchés par base juridique : ${libelle(LIBELLES_BASE, b)}`,
    unite: 'marches',
    definition: `Marchés de marches_total dont la base juridique de la clause est ${b} ; les colonnes marches_base_* ont pour somme marches_total.`,
    valeur: (f) => f.marchesParBaseJuridique[b] ?? 0,
  })),
  ...SECTEURS.map<ColonneConsolidation>((s) => ({
    code: `marches_secteur_${codeDe(s)}`,
    libelle: `Marchés par secteur : ${libelle(LIBELLES_SECTEUR, s)}`,
    unite: 'marches',
    definition: `Marchés de marches_total du secteur ${s} ; les colonnes marches_secteur_* ont pour somme marches_total.`,
    valeur: (f) => f.marchesParSecteur[s] ?? 0,
  })),
  {
    code: 'entreprises_total',
    libelle: 'Entreprises ayant accueilli une personne',
    unite: 'entreprises',
    definition:
      "Entreprises qui emploient ou accueillent (mise à disposition) une personne ayant des heures dans l’année ; somme des colonnes entreprises_* par type.",
    valeur: (f) => f.entreprises,
  },
  ...TYPES_ENTREPRISE.map<ColonneConsolidation>((t) => ({
    code: `entreprises_${codeDe(t)}`,
    libelle: `Entreprises : ${libelle(LIBELLES_ENTREPRISE, t)}`,
    unite: 'entreprises',
    definition: `Entreprises de entreprises_total de type ${t} (une ETTI qui met à disposition compte comme ETTI, l'entreprise qui accueille selon son propre type).`,
    valeur: (f) => f.entreprisesParType[t] ?? 0,
  })),
  {
    code: 'sorties_total',
    libelle: 'Personnes sorties',
    unite: 'personnes',
    definition: 'Personnes distinctes dont un placement a pris fin dans l’année (une fois chacune).',
    valeur: (f) => f.sorties,
  },
  {
    code: 'sorties_positives',
    libelle: 'Personnes en sortie positive',
    unite: 'personnes',
    definition: 'Personnes de sorties_total dont l’une au moins des sorties de l’année est positive.',
    valeur: (f) => f.sortiesPositives,
  },
  ...CATEGORIES_SORTIE.map<ColonneConsolidation>((c) => ({
    code: `sorties_${codeDe(c)}`,
    libelle: `Personnes sorties : ${libelle(LIBELLES_SORTIE, c)}`,
    unite: 'personnes',
    definition: `Personnes de sorties_total dont l’une au moins des sorties de l’année est de la catégorie ${c} (une personne peut compter dans deux catégories).`,
    valeur: (f) => f.sortiesParCategorie[c] ?? 0,
  })),
];

export interface ValeurColonne {
  colonne: string;
  libelle: string;
  unite: Unite;
  valeur: number;
}

export function colonnesDe(f: FiguresConsolidation): ValeurColonne[] {
  return COLONNES_CONSOLIDATION.map((c) => ({ colonne: c.code, libelle: c.libelle, unite: c.unite, valeur: c.valeur(f) }));
}

/** The definitions, for the OpenAPI description: one line per column. */
export const DEFINITIONS_CONSOLIDATION = COLONNES_CONSOLIDATION.map((c) => `- ${c.code} (${c.unite}) — ${c.libelle} : ${c.definition}`).join('\n');

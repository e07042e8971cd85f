import type { Indicateurs } from './indicateurs.queries';
import type { OperationBilan, Repartitions } from './repartitions.queries';
import { CHAMPS_SERIE } from './series.queries';

/**
 * The definitions of the indicators, each stated once (issue 13): the one catalogue the API documentation
 * (`DEFINITIONS_INDICATEURS`, the OpenAPI description of /indicateurs, /indicateurs/series and /bilans) and
 * docs/indicateurs.md (`npm run docs:indicateurs`, checked by definitions.spec.ts) are generated from.
 * The queries implementing them: indicateurs.queries.ts, repartitions.queries.ts, series.queries.ts,
 * conformites.queries.ts (with `conformiteALaDate` of the domain).
 */
export interface DefinitionIndicateur {
  /** The field as the API answers it (`operations[].nom`: a field of each item of `operations`). */
  champ: string;
  definition: string;
}

export interface RubriqueDefinitions {
  titre: string;
  /** Where those fields are answered. */
  routes: string;
  introduction?: string;
  definitions: DefinitionIndicateur[];
}

const liste = (o: Record<string, string>, prefixe = ''): DefinitionIndicateur[] =>
  Object.entries(o).map(([champ, definition]) => ({ champ: `${prefixe}${champ}`, definition }));

/** Every field of calculerIndicateurs and calculerRepartitions: the type makes a missing or stale one a compile error. */
const INDICATEURS: { [K in keyof (Indicateurs & Repartitions)]: string } = {
  heuresRealisees:
    "heures déclarées après corrections (seules celles > 0), des mois qui chevauchent la période (un mois compte en entier dès qu'il la chevauche), sur les marchés du périmètre. Elles comptent aussi les heures d'un marché clôturé déclarées pour des mois après sa clôture (elles ont été travaillées).",
  etp: 'heuresRealisees / HEURES_PAR_ETP (réglage : heures d’un équivalent temps plein sur une année, 1 607 par défaut), arrondi au centième.',
  heuresParSecteur:
    'heuresRealisees selon le secteur du marché (btp, services, prestations_intellectuelles), chaque secteur présent, même à 0 ; leur somme est heuresRealisees.',
  heuresParMois: 'heuresRealisees mois par mois (clés AAAA-MM, dans l’ordre ; un mois sans heure est omis) ; leur somme est heuresRealisees.',
  salaries: 'personnes distinctes ayant des heures (> 0) dans heuresRealisees : « les personnes de la période ».',
  femmes: 'personnes de salaries de sexe F.',
  partFemmes: 'femmes / salaries, entre 0 et 1 (4 décimales).',
  partFemmesHeures: 'heures des femmes / heuresRealisees, entre 0 et 1 (4 décimales).',
  residentsQpv: 'personnes de salaries résidant dans un quartier prioritaire de la politique de la ville (QPV) à leur enregistrement.',
  partQpvPersonnes:
    "residentsQpv / salaries, entre 0 et 1 (4 décimales) ; c'est aussi le réalisé de l'objectif partQpvPersonnes du bilan.",
  partQpvHeures: 'heures des residentsQpv / heuresRealisees, entre 0 et 1 (4 décimales).',
  moins26Ans:
    "personnes de salaries selon l'âge à l'enregistrement de la personne : moins de 26 ans (en années révolues au jour de son enregistrement, heure de Paris ; cette tranche d'âge ne change plus ensuite, et les indicateurs ne gardent pas la date de naissance).",
  partMoins26Ans: 'moins26Ans / salaries, entre 0 et 1 (4 décimales).',
  plus50Ans:
    "personnes de salaries selon l'âge à l'enregistrement de la personne : 50 ans et plus (en années révolues au jour de son enregistrement, heure de Paris, comme moins26Ans).",
  partPlus50Ans: 'plus50Ans / salaries, entre 0 et 1 (4 décimales).',
  niveauxFormation: 'personnes de salaries par niveau de formation (celui de leur enregistrement).',
  criteres:
    "pour chaque critère d'éligibilité, les personnes de salaries dont une éligibilité validée au plus tard à la fin de la période le retient ; une personne compte une fois dans chacun de ses critères.",
  entreprises:
    "entreprises distinctes qui emploient (l'employeur déclaré) ou accueillent (l'entreprise utilisatrice d'une mise à disposition) une personne pour des heures de heuresRealisees.",
  operations: 'opérations distinctes dont un marché du périmètre a des heures dans heuresRealisees.',
  donneursOrdre: "donneurs d'ordre distincts dont un marché du périmètre a des heures dans heuresRealisees.",
  marches: 'marchés distincts du périmètre ayant des heures dans heuresRealisees.',
  placementsParContrat: 'placements des marchés du périmètre démarrés (dateDebut) dans la période, par type de contrat.',
  placementsParModalite: 'les mêmes placements (démarrés dans la période) par modalité.',
  embauches:
    'personnes distinctes embauchées directement (modalité embauche_directe) par une entreprise en CDI, CDD, contrat de professionnalisation ou apprentissage, par un placement des marchés du périmètre démarré dans la période (une embauche directe en CDDI n’en est pas une) ; une personne embauchée deux fois compte une fois.',
  placementsEmbauche: 'les placements comptés dans embauches (un par embauche).',
  sorties:
    'personnes distinctes ayant une sortie dans la période. Les sorties d’une personne dans la période sont les fins (dateFin dans la période) de ses placements des marchés du périmètre ; une personne qui en a plusieurs compte une fois.',
  sortiesPositives:
    "personnes de sorties dont l'une au moins des sorties de la période est positive : CDI, CDD ou intérim de 6 mois et plus, contrat aidé de 6 mois et plus, formation qualifiante, création d'entreprise (une embauche en SIAE n'en est pas une) ; chacune compte une fois.",
  sortiesParCategorie:
    'pour chaque catégorie (emploi_durable, emploi_transition, sortie_positive_formation, autre), les personnes de sorties dont l’une au moins des sorties de la période s’y range ; une personne compte une fois par catégorie, et peut donc compter dans deux.',
  personnesEnEmploi:
    "personnes de sorties dont l'une au moins des sorties de la période est d'une des catégories de categoriesPersonnesEnEmploi ; chacune compte une fois. C'est aussi le réalisé de l'objectif personnesEnEmploi du bilan.",
  categoriesPersonnesEnEmploi: 'les catégories de sortie comptées dans personnesEnEmploi (réglage PERSONNES_EN_EMPLOI_CATEGORIES, emploi_durable par défaut).',
  placementsTermines: 'les sorties de la période comptées en placements : placements des marchés du périmètre dont la dateFin est dans la période.',
  placementsSortiePositive: 'placements de placementsTermines dont la sortie est positive (voir sortiesPositives).',
  placementsTerminesParCategorie: 'placements de placementsTermines par catégorie de sortie ; leur somme est placementsTermines.',
  entreprisesParType:
    "les entreprises de entreprises, une fois chacune, par type (classique, ei, ai, aci, etti, geiq, esat, ea) ; leur somme est entreprises. Une ETTI qui met à disposition compte comme ETTI, l'entreprise qui accueille selon son propre type.",
  entreprisesParMetier:
    "les entreprises classiques de entreprisesParType, une fois chacune, dans le métier des marchés où elles ont employé ou accueilli quelqu'un dans la période, celui qui totalise le plus de leurs heures de la période : batiment ou travaux_publics (sousSecteur du marché btp), services (marchés de services et de prestations intellectuelles), non_precise (marché btp enregistré avant que sousSecteur soit demandé) ; à égalité, le premier dans cet ordre ; leur somme est entreprisesParType.classique.",
  heuresParModalite:
    'heuresRealisees selon la modalité du placement déclaré (embauche_directe, mise_a_disposition, sous_traitance_siae, formation) ; leur somme est heuresRealisees.',
  heuresParTypeEmployeur:
    "heuresRealisees selon le type de l'employeur du placement (l'ETTI, l'AI ou le GEIQ pour une mise à disposition, pas l'entreprise qui accueille) ; leur somme est heuresRealisees.",
};

/** Fields of every read of the figures. */
const COMMUNS: Record<string, string> = {
  perimetre: 'la période (du, au : dates incluses) et les filtres (donneurOrdreId, operationId, marcheId, secteur) sur lesquels les chiffres portent.',
  fraicheur:
    'position : la position du journal jusqu’à laquelle les chiffres sont à jour ; retard : combien d’événements (avec EventStoreDB : une distance dans le journal) ils ont de retard sur lui.',
};

const OPERATIONS_BILAN: { [K in keyof OperationBilan]: string } = {
  operationId: "l'identifiant de l'opération.",
  nom: "le nom de l'opération.",
  commune: "la commune de l'opération.",
  donneurOrdreId: "son donneur d'ordre.",
  marches: "ses marchés retenus (voir operations) : ceux dont la période d'exécution chevauche l'année ou qui ont des heures dans l'année.",
  heuresPrevues: 'les heures prévues de ces marchés après avenants : toute la clause, pas une part de l’année.',
  heuresRealisees: "les heures de l'année sur ces marchés (comme heuresRealisees des indicateurs).",
  heuresRealiseesCumulees: "les heures de tous les mois jusqu'à la fin de l'année sur ces marchés, depuis leur début : à comparer à heuresPrevues.",
  salaries: "personnes distinctes ayant des heures de l'année sur ces marchés (comme salaries des indicateurs).",
};

const BILAN: Record<string, string> = {
  annee: "l'année civile du bilan : la période va du 1er janvier au 31 décembre.",
  heuresParEtp: 'les heures d’un équivalent temps plein par lesquelles les etp du bilan sont calculés (réglage HEURES_PAR_ETP, 1 607 par défaut).',
  indicateurs: "les indicateurs de /indicateurs (définis ci-dessus) sur l'année et le périmètre du bilan, avec leurs répartitions.",
  operations:
    "les opérations ayant un marché du périmètre dont la période d'exécution (après avenants) chevauche l'année, ou des heures dans l'année ; triées par nom.",
  ...Object.fromEntries(Object.entries(OPERATIONS_BILAN).map(([c, d]) => [`operations[].${c}`, d])),
  objectifs: "les objectifs du financeur pour l'année (POST /objectifs/{annee}) et leur atteinte ; null s'ils ne sont pas fixés.",
  'objectifs.heures': "l'objectif d'heures ; son réalisé est indicateurs.heuresRealisees.",
  'objectifs.partQpvPersonnes': "l'objectif de part de personnes résidant en QPV ; son réalisé est indicateurs.partQpvPersonnes.",
  'objectifs.personnesEnEmploi': "l'objectif de personnes en emploi ; son réalisé est indicateurs.personnesEnEmploi (catégories de indicateurs.categoriesPersonnesEnEmploi).",
  'objectifs.*.objectif': 'la cible fixée par le financeur.',
  'objectifs.*.realise': "le chiffre de l'année qui lui correspond.",
  'objectifs.*.atteint': 'realise ≥ objectif.',
  conformite:
    "la conformité des marchés du périmètre dont la période d'exécution (en vigueur à la date, écourtée par une clôture avant dateFin) chevauche l'année, jugée à conformite.date.",
  'conformite.date': "la date d'évaluation : le 31 décembre de l'année, ou aujourd'hui tant que l'année court (pour une année pas encore commencée, aujourd'hui aussi : les marchés sont alors jugés avant leur début).",
  'conformite.marches': 'le nombre de ces marchés.',
  'conformite.parStatut': 'ces marchés par statut de conformité à la date (en_avance, conforme, en_retard, atteint, non_atteint).',
  'conformite.heuresApresCloture':
    'la somme de leurs heures des mois après leur clôture : hors de leur conformité, mais dans indicateurs.heuresRealisees puisqu’elles ont été travaillées.',
  marches: 'ces mêmes marchés un par un, triés par numéro, tels que conformite les compte.',
  'marches[].marcheId': "l'identifiant du marché.",
  'marches[].numero': 'le numéro du marché.',
  'marches[].objet': "l'objet du marché.",
  'marches[].secteur': 'le secteur du marché (btp, services, prestations_intellectuelles).',
  'marches[].donneurOrdreId': "son donneur d'ordre.",
  'marches[].donneurOrdre': "le nom de son donneur d'ordre.",
  'marches[].operationId': 'son opération.',
  'marches[].dateDebut': "le début de sa période d'exécution.",
  'marches[].dateFin': "la fin de sa période d'exécution en vigueur à conformite.date (après les avenants conclus jusque-là).",
  'marches[].dateCloture': 'sa date de clôture, ou null.',
  'marches[].heuresPrevues': 'ses heures prévues en vigueur à conformite.date.',
  'marches[].heuresRealisees': "ses heures déclarées après corrections, arrêtées au mois de sa clôture s'il est clôturé.",
  'marches[].heuresAttendues':
    "les heures attendues à conformite.date : heuresPrevues au prorata des jours écoulés de la période d'exécution (bornes comprises), entre 0 et heuresPrevues.",
  'marches[].tauxRealisation': 'heuresRealisees / heuresPrevues, 0 sans heures prévues (4 décimales).',
  'marches[].statut':
    "à conformite.date : clôturé, atteint si heuresRealisees ≥ heuresPrevues, sinon non_atteint ; ouvert, comparé aux heures attendues (heuresPrevues au prorata des jours écoulés de la période d'exécution) : en_avance au-delà de (1 + CONFORMITE_TOLERANCE) fois, en_retard en deçà de (1 − CONFORMITE_TOLERANCE) fois, conforme entre les deux.",
  'marches[].heuresManquantes': "ce qui manque à conformite.date, jamais négatif : heuresPrevues − heuresRealisees s'il est clôturé, heuresAttendues − heuresRealisees sinon.",
  'marches[].heuresApresCloture': 'ses heures des mois après sa clôture (hors heuresRealisees du marché).',
};

const SERIE: Record<string, string> = {
  items: "une ligne par année de de à a (années civiles, toutes présentes, même sans heures), dans l'ordre.",
  'items[].annee': "l'année civile de la ligne.",
  ...Object.fromEntries(CHAMPS_SERIE.map((c) => [`items[].${c}`, `${c} de /indicateurs?annee=<annee> avec les mêmes filtres (défini ci-dessus).`])),
};

/** The catalogue, in the order of docs/indicateurs.md. */
export const CATALOGUE_INDICATEURS: RubriqueDefinitions[] = [
  {
    titre: 'Indicateurs',
    routes: '`GET /indicateurs`, `indicateurs` de `GET /bilans/{annee}`',
    introduction:
      'Sur une période (annee, ou du et au) et un périmètre (donneurOrdreId, operationId, marcheId, secteur). Les parts sont des nombres entre 0 et 1. Les sorties sont comptées en personnes ; les champs placements… comptent les mêmes en placements.',
    definitions: liste(INDICATEURS),
  },
  { titre: 'Champs communs', routes: '`GET /indicateurs`, `GET /indicateurs/series` (fraicheur), `GET /bilans/{annee}`', definitions: liste(COMMUNS) },
  { titre: 'Bilan annuel', routes: '`GET /bilans/{annee}`', definitions: liste(BILAN) },
  { titre: 'Série annuelle', routes: '`GET /indicateurs/series?de=&a=`', definitions: liste(SERIE) },
];

/** The definitions as the OpenAPI description gives them (plain text, one line per field). */
export function definitionsEnTexte(catalogue: RubriqueDefinitions[] = CATALOGUE_INDICATEURS): string {
  const lignes = ['Définitions (auditables ; aussi dans docs/indicateurs.md) :'];
  for (const r of catalogue) {
    lignes.push('', `${r.titre} (${r.routes.replace(/`/g, '')}) :`);
    if (r.introduction) lignes.push(r.introduction);
    for (const d of r.definitions) lignes.push(`- ${d.champ} : ${d.definition}`);
  }
  return lignes.join('\n');
}

/** The OpenAPI description of the figures' definitions. */
export const DEFINITIONS_INDICATEURS = definitionsEnTexte();

/** docs/indicateurs.md, generated. */
export function documentIndicateurs(catalogue: RubriqueDefinitions[] = CATALOGUE_INDICATEURS): string {
  const lignes = [
    '# Définitions des indicateurs',
    '',
    '<!-- Generated from libs/projections/src/indicateurs/definitions.ts by `npm run docs:indicateurs`; a test checks it is up to date. -->',
    '',
    'Chaque chiffre rendu par l’API a une seule définition, écrite ici et dans la documentation de l’API (`/api/docs`), générées du même catalogue.',
    '',
  ];
  for (const r of catalogue) {
    lignes.push(`## ${r.titre}`, '', `Routes : ${r.routes}.`, '');
    if (r.introduction) lignes.push(r.introduction, '');
    lignes.push('| champ | définition |', '|---|---|');
    for (const d of r.definitions) lignes.push(`| \`${d.champ}\` | ${d.definition.replace(/\|/g, '\\|')} |`);
    lignes.push('');
  }
  return lignes.join('\n');
}

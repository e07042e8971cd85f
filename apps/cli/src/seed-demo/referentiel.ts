/**
 * The vocabulary of the demo data: buyers of the Dijon area, operation and lot templates,
 * names. Everything shown to users is French; names of people and companies are invented.
 */
import type { TypeDonneurOrdre } from '@suivi/domain';

export const REGION = 'Bourgogne-Franche-Comté';

export type CategorieDonneur =
  | 'region'
  | 'etat'
  | 'dreal'
  | 'vnf'
  | 'dir'
  | 'rectorat'
  | 'metropole'
  | 'ville'
  | 'departement'
  | 'bailleur'
  | 'chu'
  | 'universite'
  | 'crous'
  | 'sdis'
  | 'amenageur'
  | 'promoteur'
  | 'sante_privee'
  | 'transport';

export interface DonneurModele {
  nom: string;
  type: TypeDonneurOrdre;
  categorie: CategorieDonneur;
  /** One of the regional buyers whose marchés the regional coordination follows. */
  regional: boolean;
  /** Relative number of operations. */
  poids: number;
  communes: readonly string[];
}

const METROPOLE = ['Dijon', 'Chenôve', 'Talant', 'Quetigny', 'Longvic', 'Saint-Apollinaire', 'Fontaine-lès-Dijon', 'Chevigny-Saint-Sauveur', 'Marsannay-la-Côte', 'Plombières-lès-Dijon'];

/** 33 buyers: 6 regional ones, then the local ones. */
export const DONNEURS: readonly DonneurModele[] = [
  { nom: 'Région Bourgogne-Franche-Comté', type: 'collectivite', categorie: 'region', regional: true, poids: 6, communes: ['Dijon', 'Beaune', 'Chenôve', 'Montbard'] },
  { nom: 'Préfecture de la Côte-d’Or (services de l’État)', type: 'etat', categorie: 'etat', regional: true, poids: 3, communes: ['Dijon'] },
  { nom: 'DREAL Bourgogne-Franche-Comté', type: 'etat', categorie: 'dreal', regional: true, poids: 2, communes: ['Dijon', 'Plombières-lès-Dijon'] },
  { nom: 'Voies Navigables de France – Direction territoriale Centre-Bourgogne', type: 'etablissement_public', categorie: 'vnf', regional: true, poids: 3, communes: ['Dijon', 'Plombières-lès-Dijon', 'Longvic', 'Pouilly-en-Auxois'] },
  { nom: 'DIR Centre-Est', type: 'etat', categorie: 'dir', regional: true, poids: 3, communes: ['Dijon', 'Longvic', 'Chenôve'] },
  { nom: 'Rectorat de la région académique Bourgogne-Franche-Comté', type: 'etat', categorie: 'rectorat', regional: true, poids: 2, communes: ['Dijon'] },
  { nom: 'Dijon Métropole', type: 'collectivite', categorie: 'metropole', regional: false, poids: 19, communes: METROPOLE },
  { nom: 'Ville de Dijon', type: 'collectivite', categorie: 'ville', regional: false, poids: 14, communes: ['Dijon'] },
  { nom: 'Département de la Côte-d’Or', type: 'collectivite', categorie: 'departement', regional: false, poids: 8, communes: ['Dijon', 'Beaune', 'Genlis', 'Is-sur-Tille', 'Auxonne'] },
  { nom: 'Grand Dijon Habitat', type: 'bailleur_social', categorie: 'bailleur', regional: false, poids: 12, communes: ['Dijon', 'Chenôve', 'Talant', 'Quetigny'] },
  { nom: 'Orvitis', type: 'bailleur_social', categorie: 'bailleur', regional: false, poids: 7, communes: ['Dijon', 'Beaune', 'Chenôve', 'Genlis'] },
  { nom: 'Habellis', type: 'bailleur_social', categorie: 'bailleur', regional: false, poids: 5, communes: ['Dijon', 'Talant', 'Longvic'] },
  { nom: 'Villéo', type: 'bailleur_social', categorie: 'bailleur', regional: false, poids: 3, communes: ['Dijon', 'Quetigny'] },
  { nom: 'CDC Habitat Bourgogne', type: 'bailleur_social', categorie: 'bailleur', regional: false, poids: 2, communes: ['Dijon'] },
  { nom: 'CHU Dijon Bourgogne', type: 'etablissement_public', categorie: 'chu', regional: false, poids: 6, communes: ['Dijon'] },
  { nom: 'Université de Bourgogne', type: 'etablissement_public', categorie: 'universite', regional: false, poids: 4, communes: ['Dijon'] },
  { nom: 'CROUS Bourgogne-Franche-Comté', type: 'etablissement_public', categorie: 'crous', regional: false, poids: 3, communes: ['Dijon'] },
  { nom: 'SDIS de la Côte-d’Or', type: 'etablissement_public', categorie: 'sdis', regional: false, poids: 2, communes: ['Dijon', 'Beaune'] },
  { nom: 'SPLAAD – Aménagement de l’agglomération dijonnaise', type: 'etablissement_public', categorie: 'amenageur', regional: false, poids: 4, communes: ['Dijon', 'Quetigny', 'Longvic'] },
  { nom: 'Ville de Chenôve', type: 'collectivite', categorie: 'ville', regional: false, poids: 4, communes: ['Chenôve'] },
  { nom: 'Ville de Talant', type: 'collectivite', categorie: 'ville', regional: false, poids: 3, communes: ['Talant'] },
  { nom: 'Ville de Quetigny', type: 'collectivite', categorie: 'ville', regional: false, poids: 3, communes: ['Quetigny'] },
  { nom: 'Ville de Longvic', type: 'collectivite', categorie: 'ville', regional: false, poids: 2, communes: ['Longvic'] },
  { nom: 'Ville de Saint-Apollinaire', type: 'collectivite', categorie: 'ville', regional: false, poids: 2, communes: ['Saint-Apollinaire'] },
  { nom: 'Ville de Chevigny-Saint-Sauveur', type: 'collectivite', categorie: 'ville', regional: false, poids: 2, communes: ['Chevigny-Saint-Sauveur'] },
  { nom: 'Ville de Fontaine-lès-Dijon', type: 'collectivite', categorie: 'ville', regional: false, poids: 1, communes: ['Fontaine-lès-Dijon'] },
  { nom: 'Ville de Marsannay-la-Côte', type: 'collectivite', categorie: 'ville', regional: false, poids: 1, communes: ['Marsannay-la-Côte'] },
  { nom: 'Ville de Beaune', type: 'collectivite', categorie: 'ville', regional: false, poids: 2, communes: ['Beaune'] },
  { nom: 'Centre Georges-François Leclerc', type: 'prive', categorie: 'sante_privee', regional: false, poids: 2, communes: ['Dijon'] },
  { nom: 'Nexity Bourgogne', type: 'prive', categorie: 'promoteur', regional: false, poids: 2, communes: ['Dijon', 'Quetigny'] },
  { nom: 'Kaufman & Broad Bourgogne', type: 'prive', categorie: 'promoteur', regional: false, poids: 1, communes: ['Dijon'] },
  { nom: 'Icade Promotion Dijon', type: 'prive', categorie: 'promoteur', regional: false, poids: 1, communes: ['Dijon', 'Talant'] },
  { nom: 'Keolis Dijon Mobilités', type: 'prive', categorie: 'transport', regional: false, poids: 2, communes: ['Dijon'] },
];

/** What kind of works an operation groups, which decides its lots and their sector. */
export type NatureOperation = 'batiment' | 'tp' | 'services';

export interface OperationModele {
  nom: string;
  nature: NatureOperation;
  /** Where the works are, when the template names the place. */
  commune?: string;
  /** For services: the lots it may be split into. */
  lots?: readonly string[];
}

const QUARTIERS = ['Fontaine d’Ouche', 'Grésilles', 'Mansart', 'Bourroches', 'Montchapet', 'Toison d’Or', 'Chevreul', 'Clemenceau', 'Port du Canal', 'Valmy', 'Épirey', 'Pouilly', 'Maladière', 'Arsenal'];
const LYCEES = ['Hippolyte Fontaine', 'Le Castel', 'Carnot', 'Montchapet', 'Simone Weil', 'Les Arcades', 'Gustave Eiffel', 'Charles de Gaulle'];
const COLLEGES = ['Rameau', 'Gaston Roupnel', 'Marcelle Pardé', 'Jean-Philippe Rameau', 'Les Lentillères', 'Le Parc', 'Jean Rostand', 'Clos de Pouilly', 'Boris Vian'];
const ECOLES = ['Joséphine Baker', 'Anjou', 'Champollion', 'Petites Roches', 'Voltaire', 'Colette', 'Trémouille', 'Buffon', 'Les Marmuzots', 'Jean Jaurès'];

const NETTOYAGE = ['Nettoyage des locaux', 'Nettoyage de la vitrerie', 'Nettoyage des parties communes'];
const ESPACES_VERTS = ['Entretien des espaces verts', 'Élagage et abattage', 'Fauchage et débroussaillage'];
const COLLECTE = ['Collecte des ordures ménagères', 'Collecte sélective', 'Collecte des encombrants et tri'];

type Tirage = (pick: <T>(items: readonly T[]) => T, commune: string) => OperationModele;

const bat = (nom: string, commune?: string): OperationModele => ({ nom, nature: 'batiment', commune });
const tp = (nom: string, commune?: string): OperationModele => ({ nom, nature: 'tp', commune });
const srv = (nom: string, lots: readonly string[]): OperationModele => ({ nom, nature: 'services', lots });

/** Operation templates per kind of buyer. */
export const OPERATIONS: Record<CategorieDonneur, readonly Tirage[]> = {
  region: [
    (p) => bat(`Rénovation énergétique du lycée ${p(LYCEES)}`, 'Dijon'),
    (p) => bat(`Restructuration de l’internat du lycée ${p(LYCEES)}`, 'Dijon'),
    (p) => bat(`Construction des ateliers du lycée professionnel ${p(LYCEES)}`, 'Dijon'),
    () => srv('Entretien des espaces verts des lycées', ESPACES_VERTS),
    () => srv('Nettoyage des sites de la Région à Dijon', NETTOYAGE),
  ],
  etat: [
    () => bat('Rénovation de la cité administrative Dampierre'),
    () => bat('Mise en accessibilité des bâtiments de la préfecture'),
    () => srv('Nettoyage des bâtiments de l’État en Côte-d’Or', NETTOYAGE),
  ],
  dreal: [() => tp('Restauration de la continuité écologique de l’Ouche'), () => tp('Protection contre les crues du Suzon')],
  vnf: [
    () => tp('Restauration des écluses du canal de Bourgogne'),
    () => tp('Confortement des berges du canal entre Dijon et Plombières'),
    () => srv('Entretien des abords du canal de Bourgogne', ESPACES_VERTS),
  ],
  dir: [
    () => tp('Réfection des chaussées de la RN 274 (rocade de Dijon)'),
    () => tp('Aménagement de l’échangeur de Longvic'),
    () => srv('Entretien des dépendances vertes de l’A38 et de la RN 274', ESPACES_VERTS),
  ],
  rectorat: [() => bat('Rénovation du centre d’examens de Dijon'), () => srv('Nettoyage des locaux du rectorat', NETTOYAGE)],
  metropole: [
    () => tp('Extension de la ligne T1 du tramway', 'Quetigny'),
    () => tp('Requalification de l’avenue du Drapeau', 'Dijon'),
    (p) => tp(`Aménagement des espaces publics du quartier ${p(QUARTIERS)}`, 'Dijon'),
    (p) => tp(`Renouvellement des réseaux d’eau et d’assainissement secteur ${p(QUARTIERS)}`, 'Dijon'),
    (_p, c) => bat(`Construction de la piscine de ${c}`),
    () => bat('Centre de santé Valmy', 'Dijon'),
    () => bat('Réhabilitation de la cité internationale de la gastronomie', 'Dijon'),
    (p) => srv(`Collecte des déchets ménagers secteur ${p(['nord', 'sud', 'est', 'ouest'])}`, COLLECTE),
    () => srv('Tri et valorisation des encombrants en déchetterie', COLLECTE),
    () => srv('Entretien des espaces verts métropolitains', ESPACES_VERTS),
    () => srv('Nettoyage des équipements métropolitains', NETTOYAGE),
  ],
  ville: [
    (p, c) => bat(`Restructuration du groupe scolaire ${p(ECOLES)} (${c})`),
    (_p, c) => bat(`Rénovation du gymnase municipal de ${c}`),
    (_p, c) => bat(`Construction de la maison de quartier de ${c}`),
    (_p, c) => bat(`Rénovation énergétique de la mairie de ${c}`),
    (p, c) => tp(`Réfection de la voirie rue ${p(['Jean Jaurès', 'Victor Hugo', 'de la République', 'des Perrières', 'Pasteur', 'de Mirande'])} (${c})`),
    (_p, c) => srv(`Entretien des espaces verts de ${c}`, ESPACES_VERTS),
    (_p, c) => srv(`Nettoyage des bâtiments communaux de ${c}`, NETTOYAGE),
    (_p, c) => srv(`Restauration scolaire de ${c}`, ['Préparation et livraison des repas', 'Service et entretien des offices']),
  ],
  departement: [
    (p) => bat(`Rénovation du collège ${p(COLLEGES)}`),
    (p) => bat(`Construction du gymnase du collège ${p(COLLEGES)}`),
    (_p, c) => tp(`Réfection des routes départementales autour de ${c}`),
    () => srv('Entretien des espaces verts des collèges', ESPACES_VERTS),
    () => srv('Nettoyage des bâtiments départementaux', NETTOYAGE),
  ],
  bailleur: [
    (p, c) => bat(`Réhabilitation de ${p([24, 36, 48, 64, 80, 96, 120])} logements ${c === 'Dijon' ? p(QUARTIERS) : c}`),
    (p, c) => bat(`Construction de ${p([18, 24, 32, 40, 56])} logements sociaux à ${c}`),
    (p, c) => bat(`Démolition et reconstruction de la résidence ${p(['Les Tilleuls', 'Les Acacias', 'Le Belvédère', 'Les Peupliers', 'Champ Rolland', 'Les Marronniers'])} (${c})`),
    (_p, c) => srv(`Entretien ménager des parties communes (${c})`, ['Nettoyage des parties communes', 'Sortie des conteneurs et propreté des abords']),
    (_p, c) => srv(`Entretien des espaces extérieurs des résidences (${c})`, ESPACES_VERTS),
  ],
  chu: [
    () => bat('Construction du bâtiment de psychiatrie'),
    () => bat('Restructuration du plateau technique de biologie'),
    () => srv('Blanchisserie hospitalière', ['Traitement du linge', 'Collecte et distribution du linge']),
    () => srv('Bionettoyage des services de soins', NETTOYAGE),
    () => srv('Restauration du personnel', ['Préparation des repas', 'Plonge et entretien']),
  ],
  universite: [
    () => bat('Rénovation de la faculté des sciences Mirande'),
    () => bat('Réhabilitation de la bibliothèque universitaire droit-lettres'),
    () => srv('Nettoyage des bâtiments du campus Montmuzard', NETTOYAGE),
  ],
  crous: [() => bat('Réhabilitation de la résidence universitaire Mansart'), () => srv('Entretien des résidences universitaires', NETTOYAGE)],
  sdis: [() => bat('Construction du centre de secours de Dijon-Est'), () => srv('Entretien des espaces verts des casernes', ESPACES_VERTS)],
  amenageur: [
    () => tp('Viabilisation de l’écoquartier des Maraîchers'),
    () => tp('Aménagement de la ZAC Écopôle Valmy'),
    () => tp('Aménagement de la ZAE Beauregard'),
    () => bat('Construction de la halle de l’écoquartier Jardin des Maraîchers'),
  ],
  promoteur: [
    (p, c) => bat(`Résidence ${p(['Les Jardins d’Arcy', 'Le Clos Saint-Jacques', 'Cœur Mansart', 'Les Terrasses de l’Ouche', 'Villa Montchapet'])} (${c})`),
    () => bat('Immeuble de bureaux Quai des Carrières Blanches'),
  ],
  sante_privee: [() => bat('Extension du centre de radiothérapie'), () => srv('Bionettoyage des unités de soins', NETTOYAGE)],
  transport: [() => srv('Nettoyage des rames de tramway et des bus', ['Nettoyage des véhicules', 'Nettoyage des stations']), () => bat('Réaménagement du dépôt de bus Valmy')],
};

/** Lots of building works, with the relative hours a lot usually carries. */
export const LOTS_BATIMENT: ReadonlyArray<readonly [string, number]> = [
  ['Gros œuvre', 5],
  ['Démolition – désamiantage', 2],
  ['Charpente – couverture', 2],
  ['Étanchéité', 1],
  ['Menuiseries extérieures', 1.5],
  ['Plâtrerie – cloisons – faux plafonds', 2],
  ['Peinture – revêtements muraux', 1.5],
  ['Revêtements de sols', 1],
  ['Plomberie – chauffage – ventilation', 1.5],
  ['Électricité courants forts et faibles', 1.5],
  ['Isolation thermique par l’extérieur', 1.5],
];

export const LOTS_TP: ReadonlyArray<readonly [string, number]> = [
  ['Terrassements', 2],
  ['Voirie et réseaux divers', 3],
  ['Génie civil', 2],
  ['Chaussées et enrobés', 2],
  ['Signalisation et équipements de la route', 1],
  ['Aménagements paysagers', 1],
];

export const LOTS_PI: readonly string[] = ['Ordonnancement, pilotage et coordination (OPC)', 'Maîtrise d’œuvre d’exécution', 'Assistance à maîtrise d’ouvrage'];

/** Real Dijon-area QPVs and the commune each lies in. */
export const QPV: ReadonlyArray<{ nom: string; commune: string; poids: number }> = [
  { nom: "Fontaine d'Ouche", commune: 'Dijon', poids: 30 },
  { nom: 'Grésilles', commune: 'Dijon', poids: 25 },
  { nom: 'Le Mail', commune: 'Chenôve', poids: 22 },
  { nom: 'Le Belvédère', commune: 'Talant', poids: 10 },
  { nom: 'Bourroches - Valendons', commune: 'Dijon', poids: 13 },
];

export const COMMUNES_HORS_QPV: ReadonlyArray<readonly [string, number]> = [
  ['Dijon', 40],
  ['Chenôve', 8],
  ['Talant', 5],
  ['Quetigny', 6],
  ['Longvic', 6],
  ['Saint-Apollinaire', 4],
  ['Fontaine-lès-Dijon', 3],
  ['Chevigny-Saint-Sauveur', 4],
  ['Marsannay-la-Côte', 3],
  ['Plombières-lès-Dijon', 2],
  ['Beaune', 5],
  ['Genlis', 3],
  ['Auxonne', 2],
  ['Is-sur-Tille', 2],
  ['Nuits-Saint-Georges', 2],
];

export const RUES: readonly string[] = [
  'rue de la Liberté', 'avenue du Lac', 'boulevard Bachelard', 'rue des Grésilles', 'avenue Champollion', 'rue Jean Jaurès',
  'rue Victor Hugo', 'avenue du Drapeau', 'rue de Mirande', 'boulevard de Chicago', 'rue des Tilleuls', 'allée des Peupliers',
  'rue Pasteur', 'avenue Roland Carraz', 'rue du Mail', 'rue de Longvic', 'avenue Jean Jaurès', 'rue d’Auxonne',
  'rue Charles Dumont', 'rue de Talant', 'impasse des Acacias', 'rue Gustave Eiffel', 'rue des Valendons', 'rue des Bourroches',
  'place de la République', 'rue Berbisey', 'rue Monge', 'boulevard Winston Churchill', 'rue du Belvédère', 'rue de Plombières',
];

export const PRENOMS_F: readonly string[] = [
  'Amina', 'Sarah', 'Léa', 'Camille', 'Fatima', 'Nadia', 'Sophie', 'Julie', 'Inès', 'Manon', 'Aïcha', 'Chloé', 'Laura', 'Marie',
  'Émilie', 'Yasmina', 'Samira', 'Céline', 'Sandrine', 'Nathalie', 'Karima', 'Aurélie', 'Océane', 'Mélanie', 'Khadija', 'Fanny',
  'Sabrina', 'Valérie', 'Leïla', 'Jessica', 'Mariam', 'Elodie', 'Awa', 'Christelle', 'Zohra', 'Audrey', 'Nora', 'Isabelle',
  'Djamila', 'Coralie', 'Hélène', 'Naïma', 'Anaïs', 'Kenza', 'Morgane', 'Rokia', 'Patricia', 'Lina', 'Sylvie', 'Hawa',
];

export const PRENOMS_M: readonly string[] = [
  'Mohamed', 'Thomas', 'Nicolas', 'Kevin', 'Julien', 'Mehdi', 'Karim', 'Lucas', 'Maxime', 'Yassine', 'Alexandre', 'Sofiane',
  'Romain', 'Anthony', 'Mamadou', 'Jordan', 'Bilal', 'Florian', 'David', 'Hamza', 'Christophe', 'Ibrahim', 'Sébastien', 'Dylan',
  'Rachid', 'Jérôme', 'Moussa', 'Quentin', 'Ahmed', 'Stéphane', 'Youssef', 'Laurent', 'Adama', 'Benjamin', 'Samir', 'Cédric',
  'Omar', 'Frédéric', 'Ali', 'Enzo', 'Mickaël', 'Abdel', 'Pascal', 'Théo', 'Bakary', 'Ludovic', 'Nabil', 'Loïc', 'Diego',
  'Vincent', 'Hugo', 'Ismaël', 'Jean-Marc', 'Souleymane', 'Patrick', 'Arnaud', 'Walid', 'Grégory', 'Oumar', 'Fabien',
];

export const NOMS: readonly string[] = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
  'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefèvre',
  'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc',
  'Guerin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clement', 'Gauthier', 'Dumont', 'Lopez',
  'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gerard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly',
  'Gautier', 'Roger', 'Roche', 'Roy', 'Noel', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Perez', 'Marchand', 'Dufour', 'Blanchard',
  'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Pierre', 'Renard', 'Arnaud',
  'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe',
  'Benali', 'Haddad', 'Diallo', 'Traoré', 'Benoit', 'Mansouri', 'Cissé', 'Bouzid', 'Kone', 'Belkacem', 'Camara', 'Ouattara',
  'Rahmani', 'Sylla', 'Amrani', 'Touré', 'Djebbar', 'Keita', 'Cherif', 'Fofana', 'Yilmaz', 'Kaya', 'Da Silva', 'Ferreira',
  'Pereira', 'Rodrigues', 'Lopes', 'Gomes', 'Costa', 'Mendes', 'Carvalho', 'Ribeiro', 'Nowak', 'Popescu', 'Hoxha', 'Tran',
];

/** Invented company names, per kind. */
export const RAISONS: Record<'batiment' | 'tp' | 'services' | 'ingenierie', { prefixes: readonly string[]; suffixes: readonly string[] }> = {
  batiment: {
    prefixes: ['Bâtiments', 'Maçonnerie', 'Menuiserie', 'Charpente', 'Plâtrerie', 'Peinture', 'Électricité', 'Plomberie', 'Couverture', 'Étanchéité', 'Carrelage', 'Isolation', 'Constructions', 'Rénovation'],
    suffixes: ['SAS', 'SARL', 'et Fils', 'Frères', 'Bourgogne', 'Côte-d’Or', 'Construction', 'Bâtiment'],
  },
  tp: {
    prefixes: ['Terrassements', 'Travaux Publics', 'Routes et Réseaux', 'Génie Civil', 'Canalisations', 'Enrobés'],
    suffixes: ['TP', 'SAS', 'de l’Ouche', 'de Bourgogne', 'Côte-d’Or', 'et Associés'],
  },
  services: {
    prefixes: ['Propreté', 'Nettoyage', 'Espaces Verts', 'Sécurité', 'Restauration', 'Blanchisserie', 'Multiservices', 'Collecte'],
    suffixes: ['Services', 'Dijonnaise', 'Bourgogne', 'SAS', 'Environnement', 'du Val de Saône'],
  },
  ingenierie: {
    prefixes: ['Bureau d’études', 'Ingénierie', 'Atelier d’architecture', 'Coordination'],
    suffixes: ['Conseil', 'Ingénierie', 'Bourgogne', 'et Associés'],
  },
};

/** Insertion and disability structures (invented names). */
export const STRUCTURES: Record<'ei' | 'ai' | 'aci' | 'etti' | 'geiq' | 'esat' | 'ea', readonly string[]> = {
  ei: ['Tremplin Bâtiment (EI)', 'Rebond Second Œuvre (EI)', 'Passerelle Propreté (EI)', 'Atelier du Réemploi (EI)', 'Bourgogne Rénov’Insertion (EI)'],
  ai: ['Association intermédiaire Coup de Main Dijon', 'Association intermédiaire Entraide Services'],
  aci: ['Chantier d’insertion Les Jardins de l’Ouche', 'Chantier d’insertion Canal Nature', 'Chantier d’insertion Recyclerie des Grésilles', 'Chantier d’insertion Patrimoine et Pierre sèche'],
  etti: ['Tremplin Intérim Insertion', 'Id’Ouche Intérim', 'Adéquation Intérim Côte-d’Or', 'Route de l’Emploi Intérim', 'Synergie Travail Temporaire d’Insertion', 'Tempo Insertion Dijon', 'Relais Intérim Chenôve', 'Cap Intérim Bourgogne'],
  geiq: ['GEIQ BTP Côte-d’Or'],
  esat: ['ESAT Les Ateliers de la Tille', 'ESAT du Mirandier', 'ESAT Les Papillons Blancs', 'ESAT de Plombières', 'ESAT Le Bocage', 'ESAT Val de Saône', 'ESAT Les Genêts'],
  ea: ['Entreprise adaptée Bourgogne Services'],
};

export const MOTIFS_CORRECTION: readonly string[] = [
  'Erreur de saisie : feuille de temps rectifiée par l’employeur',
  'Heures d’absence non déduites du relevé',
  'Relevé d’heures de l’ETTI corrigé',
  'Heures supplémentaires omises sur le premier relevé',
  'Jours fériés comptés à tort',
];

export const MOTIFS_AVENANT_DUREE: readonly string[] = [
  'Prolongation du chantier suite aux intempéries',
  'Prolongation du délai d’exécution : retard de livraison des matériaux',
  'Reconduction partielle du marché dans l’attente du nouvel appel d’offres',
];

export const MOTIFS_AVENANT_HAUSSE: readonly string[] = [
  'Travaux supplémentaires : volume d’heures d’insertion augmenté',
  'Affermissement de la tranche optionnelle',
];

export const MOTIFS_AVENANT_BAISSE: readonly string[] = ['Suppression de la tranche optionnelle : volume d’heures réduit', 'Réduction du périmètre du marché'];

export const PRECISIONS_AUTRE: readonly string[] = [
  'Sortie de l’aide sociale à l’enfance sans solution d’emploi',
  'Demandeur d’emploi de 45 ans sans qualification, validé en commission',
  'Parent isolé sans emploi depuis plus de 6 mois',
];

/** The columns of the monthly-hours import, in the templates' order. */
export const COLONNES_IMPORT = ['placement', 'siret', 'nom', 'prenom', 'dateNaissance', 'marche', 'mois', 'heures'] as const;
export type ColonneImport = (typeof COLONNES_IMPORT)[number];

/** Identity columns: all of them name a placement when its id is not given. */
export const COLONNES_IDENTITE = ['siret', 'nom', 'prenom', 'dateNaissance', 'marche'] as const satisfies readonly ColonneImport[];

/** How the columns are named to the user (messages, documentation). */
export const LIBELLES_COLONNES: Readonly<Record<ColonneImport, string>> = {
  placement: 'placement',
  siret: 'SIRET',
  nom: 'nom',
  prenom: 'prénom',
  dateNaissance: 'date de naissance',
  marche: 'marché',
  mois: 'mois',
  heures: 'heures',
};

/** Headers people actually write, in normalised form (see `normaliser`). */
const ALIAS: Readonly<Record<ColonneImport, readonly string[]>> = {
  placement: ['placement', 'idplacement', 'placementid', 'iddeplacement', 'identifiantplacement', 'identifiantduplacement', 'identifiantdeplacement'],
  siret: ['siret', 'nsiret', 'numerosiret', 'siretentreprise', 'siretdelentreprise', 'siretemployeur'],
  nom: ['nom', 'nomdefamille', 'nomfamille', 'nomsalarie', 'nomdusalarie', 'nomparticipant', 'nomduparticipant'],
  prenom: ['prenom', 'prenoms', 'prenomsalarie', 'prenomdusalarie', 'prenomparticipant', 'prenomduparticipant'],
  dateNaissance: ['datenaissance', 'datedenaissance', 'naissance', 'neele', 'nele', 'ddn'],
  marche: ['marche', 'nmarche', 'ndemarche', 'ndumarche', 'nomarche', 'numeromarche', 'numerodemarche', 'numerodumarche', 'referencemarche', 'refmarche'],
  mois: ['mois', 'moisconcerne', 'periode', 'moisdesheures'],
  heures: ['heures', 'nombreheures', 'nombredheures', 'nbheures', 'nbdheures', 'heuresrealisees', 'heureseffectuees', 'heuresdinsertion', 'heurestravaillees'],
};

const PAR_ALIAS: ReadonlyMap<string, ColonneImport> = new Map(
  COLONNES_IMPORT.flatMap((colonne) => ALIAS[colonne].map((alias) => [alias, colonne] as const)),
);

/** Lower case, no accents, letters and digits only: "N° de marché" → "ndemarche". */
function normaliser(entete: string): string {
  return entete
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Maps a header cell to its column: case, accents, spaces, '_' and '-' forgiven, a few aliases. null when unknown. */
export function colonneDeLEntete(entete: string): ColonneImport | null {
  return PAR_ALIAS.get(normaliser(entete)) ?? null;
}

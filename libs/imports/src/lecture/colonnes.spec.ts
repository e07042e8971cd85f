import { COLONNES_IMPORT, colonneDeLEntete } from './colonnes';

describe('colonneDeLEntete', () => {
  it.each(COLONNES_IMPORT.map((colonne) => [colonne]))('given the canonical header %s, when mapped, then it is that column', (colonne) => {
    expect(colonneDeLEntete(colonne)).toBe(colonne);
  });

  it.each([
    ['Date de naissance', 'dateNaissance'],
    ['DATE_NAISSANCE', 'dateNaissance'],
    ['date-naissance', 'dateNaissance'],
    ['N° de marché', 'marche'],
    ['numero marche', 'marche'],
    ['Numéro de marché', 'marche'],
    ['Marché', 'marche'],
    ['id placement', 'placement'],
    ['ID_Placement', 'placement'],
    ["nombre d'heures", 'heures'],
    ['Nombre d’heures', 'heures'],
    ['  Prénom  ', 'prenom'],
    ['NOM', 'nom'],
    ['Siret', 'siret'],
    ['MOIS', 'mois'],
  ] as const)('given the header « %s », when mapped, then it is %s', (entete, colonne) => {
    expect(colonneDeLEntete(entete)).toBe(colonne);
  });

  it.each(['commentaire', '', 'nom prénom', 'heures sup'])('given the unknown header « %s », when mapped, then it is null', (entete) => {
    expect(colonneDeLEntete(entete)).toBeNull();
  });
});

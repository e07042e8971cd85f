import type { Cellule } from './lire-fichier';
import type { ColonneImport } from './colonnes';
import { lireLigneHeures } from './ligne-heures';

const IDENTITE = {
  siret: '732 829 320 00074',
  nom: 'Dubois-Lefèvre',
  prenom: 'Hélène',
  dateNaissance: '14/03/1988',
  marche: '2025-DIJ-014',
};

function ligne(cellules: Partial<Record<ColonneImport, Cellule>>, numero = 7) {
  return lireLigneHeures({ ligne: numero, cellules });
}

function erreurs(cellules: Partial<Record<ColonneImport, Cellule>>) {
  const resultat = ligne(cellules);
  if (!('erreurs' in resultat)) throw new Error(`expected errors, got ${JSON.stringify(resultat)}`);
  return resultat.erreurs;
}

function lue(cellules: Partial<Record<ColonneImport, Cellule>>) {
  const resultat = ligne(cellules);
  if (!('ligne' in resultat)) throw new Error(`expected a row, got ${JSON.stringify(resultat)}`);
  return resultat.ligne;
}

describe('lireLigneHeures', () => {
  describe('placement', () => {
    it('given a placement id in upper case, when read, then it is lower-cased and the identity cells are ignored', () => {
      const l = lue({ placement: ' 3F2B8C1E-9A4D-4C6B-8F1A-2D3E4F5A6B7C ', siret: '123', nom: null, mois: '03/2025', heures: '151,67' });
      expect(l).toEqual({ ligne: 7, cible: { placementId: '3f2b8c1e-9a4d-4c6b-8f1a-2d3e4f5a6b7c' }, mois: '2025-03', heures: 151.67 });
    });

    it('given a placement id that is not a uuid, when read, then PLACEMENT_INVALIDE', () => {
      const [e] = erreurs({ placement: 'PL-42', mois: '03/2025', heures: 10 });
      expect(e).toMatchObject({ ligne: 7, colonne: 'placement', code: 'PLACEMENT_INVALIDE' });
      expect(e.message).toContain('« PL-42 »');
    });

    it('given no placement and no identity, when read, then one PLACEMENT_NON_IDENTIFIE error', () => {
      const e = erreurs({ placement: null, siret: null, nom: '', prenom: null, dateNaissance: null, marche: null, mois: '03/2025', heures: 1 });
      expect(e).toEqual([{ ligne: 7, colonne: 'placement', code: 'PLACEMENT_NON_IDENTIFIE', message: expect.stringContaining('date de naissance') }]);
    });

    it('given an identity with empty columns, when read, then VALEUR_MANQUANTE on each of them', () => {
      const e = erreurs({ ...IDENTITE, prenom: null, marche: '  ', mois: '03/2025', heures: 1 });
      expect(e.map((x) => [x.colonne, x.code])).toEqual([
        ['prenom', 'VALEUR_MANQUANTE'],
        ['marche', 'VALEUR_MANQUANTE'],
      ]);
    });

    it('given a full identity, when read, then the target is normalised', () => {
      const l = lue({ ...IDENTITE, nom: '  Dubois-Lefèvre \n ', prenom: 'Anne   Marie', mois: '03/2025', heures: '151,67' });
      expect(l.cible).toEqual({
        siret: '73282932000074',
        nom: 'Dubois-Lefèvre',
        prenom: 'Anne Marie',
        dateNaissance: '1988-03-14',
        marche: '2025-DIJ-014',
      });
    });
  });

  describe('siret', () => {
    it.each([['732.829.320.00074'], ['732\u00a0829\u00a0320\u00a000074'], ['732\u202f829\u202f320\u202f00074'], [73282932000074]])(
      'given the SIRET %p, when read, then it is the 14 digits',
      (siret) => {
        expect(lue({ ...IDENTITE, siret, mois: '03/2025', heures: 1 }).cible).toMatchObject({ siret: '73282932000074' });
      },
    );

    it('given a number cell that lost its leading zeros, when read, then the zeros are put back', () => {
      expect(lue({ ...IDENTITE, siret: 5422023400014, mois: '03/2025', heures: 1 }).cible).toMatchObject({ siret: '05422023400014' });
    });

    it.each([['123'], ['73282932000075'], ['7328293200007A'], [7.3]])('given the SIRET %p, when read, then SIRET_INVALIDE', (siret) => {
      const [e] = erreurs({ ...IDENTITE, siret, mois: '03/2025', heures: 1 });
      expect(e).toMatchObject({ colonne: 'siret', code: 'SIRET_INVALIDE' });
    });
  });

  describe('nom and prenom', () => {
    it('given a number cell as a name, when read, then it is its text', () => {
      expect(lue({ ...IDENTITE, nom: 12, mois: '03/2025', heures: 1 }).cible).toMatchObject({ nom: '12' });
    });

    it('given a name over 100 characters, when read, then TEXTE_TROP_LONG', () => {
      const [e] = erreurs({ ...IDENTITE, nom: 'a'.repeat(101), mois: '03/2025', heures: 1 });
      expect(e).toMatchObject({ colonne: 'nom', code: 'TEXTE_TROP_LONG' });
    });
  });

  describe('dateNaissance', () => {
    it.each([
      ['14/03/1988', '1988-03-14'],
      ['4/3/1988', '1988-03-04'],
      ['14-03-1988', '1988-03-14'],
      ['14.03.1988', '1988-03-14'],
      ['1988-03-14', '1988-03-14'],
      [new Date(Date.UTC(1988, 2, 14)), '1988-03-14'],
      ['29/02/2000', '2000-02-29'],
    ] as const)('given %p, when read, then %s', (dateNaissance, attendue) => {
      expect(lue({ ...IDENTITE, dateNaissance, mois: '03/2025', heures: 1 }).cible).toMatchObject({ dateNaissance: attendue });
    });

    it.each([['31/02/1990'], ['14/03/88'], ['1988/03/14'], ['14/03-1988'], ['29/02/2001'], [32216], ['hier']])(
      'given %p, when read, then DATE_NAISSANCE_INVALIDE',
      (dateNaissance) => {
        const [e] = erreurs({ ...IDENTITE, dateNaissance, mois: '03/2025', heures: 1 });
        expect(e).toMatchObject({ colonne: 'dateNaissance', code: 'DATE_NAISSANCE_INVALIDE' });
        expect(e.message).toContain('JJ/MM/AAAA');
      },
    );
  });

  describe('mois', () => {
    it.each([
      ['03/2025', '2025-03'],
      ['3/2025', '2025-03'],
      ['15/03/2025', '2025-03'],
      ['2025-03', '2025-03'],
      ['2025-03-15', '2025-03'],
      [new Date(Date.UTC(2025, 2, 1)), '2025-03'],
      ['12/2999', '2999-12'],
    ] as const)('given %p, when read, then %s', (mois, attendu) => {
      expect(lue({ ...IDENTITE, mois, heures: 1 }).mois).toBe(attendu);
    });

    it.each([['13/2025'], ['00/2025'], ['mars'], ['03/1899'], ['03/3000'], ['31/02/2025'], ['2025'], [202503]])(
      'given %p, when read, then MOIS_INVALIDE',
      (mois) => {
        const [e] = erreurs({ ...IDENTITE, mois, heures: 1 });
        expect(e).toMatchObject({ colonne: 'mois', code: 'MOIS_INVALIDE' });
      },
    );

    it('given « mars », when read, then the message says what was read and the expected format', () => {
      expect(erreurs({ ...IDENTITE, mois: 'mars', heures: 1 })[0].message).toBe(
        "Le mois doit s'écrire MM/AAAA (par exemple 03/2025) ; lu : « mars »",
      );
    });

    it('given an empty mois, when read, then VALEUR_MANQUANTE', () => {
      expect(erreurs({ ...IDENTITE, mois: null, heures: 1 })).toEqual([expect.objectContaining({ colonne: 'mois', code: 'VALEUR_MANQUANTE' })]);
    });
  });

  describe('heures', () => {
    it.each([
      ['151,67', 151.67],
      ['151.67', 151.67],
      ['744', 744],
      ['744,00', 744],
      ['35', 35],
      [' 7,5 ', 7.5],
      [151.67, 151.67],
      [8 * 18.96, 151.68],
      [0.01, 0.01],
    ] as const)('given %p, when read, then %p', (heures, attendu) => {
      expect(lue({ ...IDENTITE, mois: '03/2025', heures }).heures).toBe(attendu);
    });

    it.each([['12h'], ['abc'], ['1,2,3'], ['1.234,5'], ['12 34'], [',5'], ['5,'], ['1e3'], [new Date()], ['744,01'], ['1 234,5'], ['1\u202f234,50'], [1e309], [1_000_000]])(
      'given %p, when read, then HEURES_INVALIDES',
      (heures) => {
        const [e] = erreurs({ ...IDENTITE, mois: '03/2025', heures });
        expect(e).toMatchObject({ colonne: 'heures', code: 'HEURES_INVALIDES' });
      },
    );

    it.each([['1,234'], [1.234], ['151,666']])('given %p, when read, then at most 2 decimals are asked for', (heures) => {
      const [e] = erreurs({ ...IDENTITE, mois: '03/2025', heures });
      expect(e).toMatchObject({ colonne: 'heures', code: 'HEURES_INVALIDES', message: expect.stringContaining('au plus 2 décimales') });
    });

    it.each([['0'], [0], ['-5'], [-1.5], ['0,00']])('given %p, when read, then hours must be above 0', (heures) => {
      const [e] = erreurs({ ...IDENTITE, mois: '03/2025', heures });
      expect(e).toMatchObject({ colonne: 'heures', code: 'HEURES_INVALIDES', message: expect.stringContaining('supérieur à 0') });
    });

    it('given an empty heures, when read, then VALEUR_MANQUANTE', () => {
      expect(erreurs({ ...IDENTITE, mois: '03/2025', heures: '' })).toEqual([
        expect.objectContaining({ colonne: 'heures', code: 'VALEUR_MANQUANTE' }),
      ]);
    });
  });

  it('given a row with several faulty cells, when read, then every error is reported, one per column', () => {
    const e = erreurs({ ...IDENTITE, siret: '123', dateNaissance: '31/02/1990', mois: '13/2025', heures: 'douze' });
    expect(e.map((x) => [x.ligne, x.colonne, x.code])).toEqual([
      [7, 'siret', 'SIRET_INVALIDE'],
      [7, 'dateNaissance', 'DATE_NAISSANCE_INVALIDE'],
      [7, 'mois', 'MOIS_INVALIDE'],
      [7, 'heures', 'HEURES_INVALIDES'],
    ]);
    expect(e[3].message).toContain('« douze »');
  });
});

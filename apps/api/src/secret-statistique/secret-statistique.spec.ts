import { appliquerSecretStatistique, masquer, masquesDe, type Groupe } from './secret-statistique';

const sexe: Groupe = { type: 'partition', total: 'salaries', cellules: ['femmes'], reste: true };
const partFemmes: Groupe = { type: 'derive', chemin: 'partFemmes', de: ['femmes', 'salaries'] };

describe('secret statistique: a count of people under the threshold', () => {
  it('is masked from 1 to seuil − 1, shown at seuil and at 0 when its total is shown', () => {
    const effectif = (n: number, seuil = 5) => masquesDe({ n }, [{ type: 'effectif', chemin: 'n' }], seuil);
    expect(effectif(4)).toEqual(['n']);
    expect(effectif(1)).toEqual(['n']);
    expect(effectif(5)).toEqual([]);
    expect(effectif(0)).toEqual([]);
    expect(effectif(4, 4)).toEqual([]);
    expect(effectif(3, 4)).toEqual(['n']);
  });

  it('answers null in its place and lists it, leaving the figures that are not counts of people', () => {
    const corps = { heuresRealisees: 151.67, entreprises: 1, salaries: 20, femmes: 4, partFemmes: 0.2 };
    const { corps: masque, masques } = masquer(corps, [sexe, partFemmes], 5);
    expect(masque).toEqual({ heuresRealisees: 151.67, entreprises: 1, salaries: 20, femmes: null, partFemmes: null });
    expect(masques).toEqual(['femmes', 'partFemmes']);
    // The answer given is not changed.
    expect(corps.femmes).toBe(4);
  });

  it('masks a share only with a masked count it comes from', () => {
    expect(masquesDe({ salaries: 20, femmes: 5, partFemmes: 0.25 }, [sexe, partFemmes], 5)).toEqual([]);
    expect(masquesDe({ salaries: 20, femmes: 0, partFemmes: 0 }, [sexe, partFemmes], 5)).toEqual([]);
    expect(masquesDe({ salaries: 4, femmes: 0, partFemmes: 0 }, [sexe, partFemmes], 5)).toEqual(['salaries', 'femmes', 'partFemmes']);
  });
});

describe('secret statistique: a total under the threshold', () => {
  it('masks the total and every cell, zeros and absent keys included', () => {
    const corps = { salaries: 1, niveaux: { infra_3: 1 } };
    const groupes: Groupe[] = [{ type: 'partition', total: 'salaries', cellules: ['niveaux.infra_3', 'niveaux.3', 'niveaux.4'] }];
    const { corps: masque, masques } = masquer(corps, groupes, 5);
    // Every key of the domain, so that the keys present do not tell which levels the few people have.
    expect(masque).toEqual({ salaries: null, niveaux: { infra_3: null, 3: null, 4: null } });
    expect(masques).toEqual(['salaries', 'niveaux.infra_3', 'niveaux.3', 'niveaux.4']);
  });

  it('masks every overlapping subset too, but masks nothing when the total is 0', () => {
    const criteres: Groupe = { type: 'sous-ensembles', total: 'salaries', cellules: ['criteres.rqth', 'criteres.brsa'] };
    expect(masquesDe({ salaries: 1, criteres: { rqth: 1 } }, [criteres], 5)).toEqual(['salaries', 'criteres.rqth', 'criteres.brsa']);
    expect(masquesDe({ salaries: 0, criteres: {} }, [criteres], 5)).toEqual([]);
  });

  it('not in the answer (total: null), masks every cell when the cells add up to less than the threshold', () => {
    const contrats: Groupe = { type: 'partition', total: null, cellules: ['c.cdi', 'c.cdd'] };
    expect(masquesDe({ c: { cdi: 2, cdd: 0 } }, [contrats], 5)).toEqual(['c.cdi', 'c.cdd']);
    expect(masquesDe({ c: { cdi: 5, cdd: 0 } }, [contrats], 5)).toEqual([]);
  });
});

describe('secret statistique: secondary suppression in a breakdown that adds up to a shown total', () => {
  const sexes: Groupe = { type: 'partition', total: 'total', cellules: ['femmes', 'hommes'] };
  const ages: Groupe = { type: 'partition', total: 'total', cellules: ['moins26', 'de26a49', 'plus50'] };

  it('masks the other cell of two, since total − shown cell would give the masked one back', () => {
    expect(masquesDe({ total: 20, femmes: 4, hommes: 16 }, [sexes], 5)).toEqual(['femmes', 'hommes']);
    expect(masquesDe({ total: 20, femmes: 5, hommes: 15 }, [sexes], 5)).toEqual([]);
  });

  it('masks the smallest cell still shown, a zero if there is one', () => {
    expect(masquesDe({ total: 20, moins26: 0, de26a49: 16, plus50: 4 }, [ages], 5)).toEqual(['moins26', 'plus50']);
    expect(masquesDe({ total: 30, moins26: 9, de26a49: 17, plus50: 4 }, [ages], 5)).toEqual(['moins26', 'plus50']);
  });

  it('masks nothing more when two cells are masked already', () => {
    expect(masquesDe({ total: 20, moins26: 2, de26a49: 15, plus50: 3 }, [ages], 5)).toEqual(['moins26', 'plus50']);
  });

  it('counts the rest not in the answer as an unknown cell: a masked cell and the rest protect each other', () => {
    // femmes 4 masked, hommes (20 − femmes) not answered: nothing gives femmes back.
    expect(masquesDe({ salaries: 20, femmes: 4 }, [sexe], 5)).toEqual(['femmes']);
  });

  it('masks the shown cell when the rest is the small group (hommes = salaries − femmes)', () => {
    expect(masquesDe({ salaries: 20, femmes: 17, partFemmes: 0.85 }, [sexe, partFemmes], 5)).toEqual(['femmes', 'partFemmes']);
    expect(masquesDe({ salaries: 20, femmes: 15 }, [sexe], 5)).toEqual([]);
    // A rest of 0 is shown as any zero is: no one.
    expect(masquesDe({ salaries: 20, femmes: 20 }, [sexe], 5)).toEqual([]);
  });

  it('does not subtract in overlapping subsets: only the small ones are masked', () => {
    const criteres: Groupe = { type: 'sous-ensembles', total: 'salaries', cellules: ['criteres.rqth', 'criteres.brsa'] };
    expect(masquesDe({ salaries: 20, criteres: { rqth: 1, brsa: 19 } }, [criteres], 5)).toEqual(['criteres.rqth']);
  });

  it('masks the total when a masked cell is the only one (a cell that equals its total)', () => {
    const groupes: Groupe[] = [
      { type: 'partition', total: 'sorties', cellules: ['cat.a', 'cat.b'] },
      { type: 'partition', total: 'enEmploi', cellules: ['cat.a'] },
    ];
    // cat.b small → cat.a masked as its complement → enEmploi, equal to cat.a, masked too.
    expect(masquesDe({ sorties: 20, enEmploi: 17, cat: { a: 17, b: 3 } }, groupes, 5)).toEqual(['cat.a', 'cat.b', 'enEmploi']);
  });

  it('repeats until nothing changes: a cell masked in one breakdown is protected in the others it is in', () => {
    const groupes: Groupe[] = [
      { type: 'partition', total: 'T', cellules: ['a', 'b'] },
      { type: 'partition', total: 'U', cellules: ['b', 'c'] },
    ];
    // a small → b masked (secondary in the first) → c masked (else U − c gives b, then T − b gives a).
    expect(masquesDe({ T: 20, U: 30, a: 2, b: 18, c: 12 }, groupes, 5)).toEqual(['a', 'b', 'c']);
  });
});

describe('secret statistique: paths and the answer', () => {
  it('reaches array items by index and writes null there', () => {
    const corps = { indicateurs: { salaries: 10 }, operations: [{ nom: 'A', salaries: 9 }, { nom: 'B', salaries: 1 }] };
    const groupes: Groupe[] = [{ type: 'partition', total: 'indicateurs.salaries', cellules: ['operations[0].salaries', 'operations[1].salaries'] }];
    const { corps: masque, masques } = masquer(corps, groupes, 5);
    expect(masques).toEqual(['operations[0].salaries', 'operations[1].salaries']);
    expect(masque.operations).toEqual([{ nom: 'A', salaries: null }, { nom: 'B', salaries: null }]);
    expect(masque.indicateurs).toEqual({ salaries: 10 });
  });

  it('does not create an object that the answer does not have', () => {
    const { corps: masque } = masquer({ objectifs: null, n: 1 }, [{ type: 'derive', chemin: 'objectifs.x.realise', de: ['n'] }, { type: 'effectif', chemin: 'n' }], 5);
    expect(masque).toEqual({ objectifs: null, n: null });
  });

  it('answers the same object, untouched, when the caller sees identities (no threshold)', () => {
    const corps = { salaries: 1, femmes: 0 };
    expect(appliquerSecretStatistique(corps, () => [sexe], null)).toBe(corps);
  });

  it('adds secretStatistique { seuil, masques } for a caller with a threshold, even when nothing is masked', () => {
    expect(appliquerSecretStatistique({ salaries: 1, femmes: 0 }, () => [sexe], 5)).toEqual({
      salaries: null,
      femmes: null,
      secretStatistique: { seuil: 5, masques: ['salaries', 'femmes'] },
    });
    expect(appliquerSecretStatistique({ salaries: 12, femmes: 6 }, () => [sexe], 5)).toEqual({ salaries: 12, femmes: 6, secretStatistique: { seuil: 5, masques: [] } });
  });
});

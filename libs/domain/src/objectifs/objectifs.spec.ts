import { spec } from '../given-when-then.testing';
import { objectifsDecider, type FixerObjectifs } from './objectifs.decider';
import type { ObjectifsFixes } from './objectifs.events';

const fixer = (champs: Partial<FixerObjectifs> = {}): FixerObjectifs => ({
  type: 'FixerObjectifs',
  annee: 2025,
  heures: 300000,
  partQpvPersonnes: 0.2,
  personnesEnEmploi: 45,
  ...champs,
});
const fixes = (champs: Partial<ObjectifsFixes['data']> = {}): ObjectifsFixes => ({
  type: 'ObjectifsFixes',
  data: { annee: 2025, heures: 300000, partQpvPersonnes: 0.2, personnesEnEmploi: 45, ...champs },
});

describe('objectifs du financeur', () => {
  it('fixe les objectifs d’une année', () => {
    spec(objectifsDecider).given([]).when(fixer()).then([fixes()]);
  });

  it('remplace des objectifs déjà fixés', () => {
    spec(objectifsDecider).given([fixes()]).when(fixer({ heures: 320000 })).then([fixes({ heures: 320000 })]);
  });

  it('n’ajoute rien quand les objectifs sont inchangés', () => {
    spec(objectifsDecider).given([fixes()]).when(fixer()).then([]);
  });

  it.each([
    [{ annee: 1999 }, 'ANNEE_INVALIDE'],
    [{ annee: 2101 }, 'ANNEE_INVALIDE'],
    [{ heures: -1 }, 'HEURES_INVALIDES'],
    [{ heures: 1.005 }, 'HEURES_INVALIDES'],
    [{ partQpvPersonnes: 1.01 }, 'PART_INVALIDE'],
    [{ partQpvPersonnes: -0.01 }, 'PART_INVALIDE'],
    [{ partQpvPersonnes: 1e-7 }, 'PART_INVALIDE'],
    [{ personnesEnEmploi: 4.5 }, 'NOMBRE_INVALIDE'],
    [{ heures: 100_000_000.01 }, 'HEURES_INVALIDES'],
    [{ heures: 1e308 }, 'HEURES_INVALIDES'],
    [{ personnesEnEmploi: 1_000_001 }, 'NOMBRE_INVALIDE'],
    [{ personnesEnEmploi: 3e9 }, 'NOMBRE_INVALIDE'],
  ])('refuse %j (%s)', (champs, code) => {
    spec(objectifsDecider).given([]).when(fixer(champs)).thenFails(code);
  });

  it('accepte les plus grandes valeurs que les projections savent tenir', () => {
    spec(objectifsDecider).given([]).when(fixer({ heures: 100_000_000, personnesEnEmploi: 1_000_000 })).then([fixes({ heures: 100_000_000, personnesEnEmploi: 1_000_000 })]);
  });

  it('accepte les bornes : part 0 et 1, zéro heure, années 2000 et 2100', () => {
    spec(objectifsDecider).given([]).when(fixer({ partQpvPersonnes: 1, heures: 0, annee: 2100 })).then([fixes({ partQpvPersonnes: 1, heures: 0, annee: 2100 })]);
    spec(objectifsDecider).given([]).when(fixer({ partQpvPersonnes: 0, annee: 2000 })).then([fixes({ partQpvPersonnes: 0, annee: 2000 })]);
  });
});

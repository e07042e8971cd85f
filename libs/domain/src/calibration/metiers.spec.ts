import { spec } from '../given-when-then.testing';
import type { CoutHoraireFixe, TauxMainOeuvreFixe } from './calibration.events';
import { metiersDecider, type FixerCoutHoraire, type FixerTauxMainOeuvre } from './metiers';

const fixerTaux = (champs: Partial<FixerTauxMainOeuvre> = {}): FixerTauxMainOeuvre => ({
  type: 'FixerTauxMainOeuvre',
  metier: 'maconnerie',
  libelle: 'Maçonnerie',
  partMainOeuvre: 0.55,
  ...champs,
});
const tauxFixe = (champs: Partial<TauxMainOeuvreFixe['data']> = {}): TauxMainOeuvreFixe => ({
  type: 'TauxMainOeuvreFixe',
  data: { metier: 'maconnerie', libelle: 'Maçonnerie', partMainOeuvre: 0.55, ...champs },
});
const fixerCout = (coutHoraire: number): FixerCoutHoraire => ({ type: 'FixerCoutHoraire', coutHoraire });
const coutFixe = (coutHoraire: number): CoutHoraireFixe => ({ type: 'CoutHoraireFixe', data: { coutHoraire } });

describe('table des métiers de la calibration', () => {
  it('change la part d’un métier par défaut', () => {
    spec(metiersDecider).given([]).when(fixerTaux()).then([tauxFixe()]);
  });

  it('ajoute un métier', () => {
    spec(metiersDecider)
      .given([])
      .when(fixerTaux({ metier: 'plomberie', libelle: '  Plomberie  ', partMainOeuvre: 0.45 }))
      .then([tauxFixe({ metier: 'plomberie', libelle: 'Plomberie', partMainOeuvre: 0.45 })]);
  });

  it('enregistre la confirmation d’une valeur par défaut : l’équipe l’a adoptée', () => {
    spec(metiersDecider).given([]).when(fixerTaux({ partMainOeuvre: 0.5 })).then([tauxFixe({ partMainOeuvre: 0.5 })]);
    spec(metiersDecider).given([]).when(fixerCout(30)).then([coutFixe(30)]);
  });

  it('n’ajoute rien quand le métier ou le coût fixés sont inchangés', () => {
    spec(metiersDecider).given([tauxFixe()]).when(fixerTaux()).then([]);
    spec(metiersDecider).given([coutFixe(32)]).when(fixerCout(32)).then([]);
  });

  it('change le libellé seul', () => {
    spec(metiersDecider).given([tauxFixe()]).when(fixerTaux({ libelle: 'Maçonnerie, gros œuvre' })).then([tauxFixe({ libelle: 'Maçonnerie, gros œuvre' })]);
  });

  it('fixe le coût horaire par défaut', () => {
    spec(metiersDecider).given([coutFixe(32)]).when(fixerCout(28.5)).then([coutFixe(28.5)]);
  });

  it.each([
    [{ partMainOeuvre: -0.0001 }, 'PART_INVALIDE'],
    [{ partMainOeuvre: 1.0001 }, 'PART_INVALIDE'],
    [{ partMainOeuvre: 0.55555 }, 'PART_INVALIDE'],
    [{ libelle: '   ' }, 'CHAMP_REQUIS'],
    [{ libelle: 'x'.repeat(201) }, 'TEXTE_TROP_LONG'],
    [{ metier: 'Maçonnerie' }, 'CODE_METIER_INVALIDE'],
    [{ metier: '__proto__' }, 'CODE_METIER_INVALIDE'],
    [{ metier: 'a'.repeat(51) }, 'CODE_METIER_INVALIDE'],
  ])('refuse %j (%s)', (champs, code) => {
    spec(metiersDecider).given([]).when(fixerTaux(champs)).thenFails(code);
  });

  it('accepte les bornes : parts 0 et 1, libellé de 200 caractères, code de 50', () => {
    spec(metiersDecider).given([]).when(fixerTaux({ partMainOeuvre: 0 })).then([tauxFixe({ partMainOeuvre: 0 })]);
    spec(metiersDecider).given([]).when(fixerTaux({ partMainOeuvre: 1 })).then([tauxFixe({ partMainOeuvre: 1 })]);
    spec(metiersDecider).given([]).when(fixerTaux({ libelle: 'x'.repeat(200) })).then([tauxFixe({ libelle: 'x'.repeat(200) })]);
    spec(metiersDecider).given([]).when(fixerTaux({ metier: 'a'.repeat(50) })).then([tauxFixe({ metier: 'a'.repeat(50) })]);
  });

  it.each([
    [0.99, false],
    [1, true],
    [1000, true],
    [1000.01, false],
    [30.005, false],
  ])('coût horaire %d : accepté %s', (cout, accepte) => {
    if (accepte) spec(metiersDecider).given([]).when(fixerCout(cout)).then([coutFixe(cout)]);
    else spec(metiersDecider).given([]).when(fixerCout(cout)).thenFails('COUT_HORAIRE_INVALIDE');
  });
});

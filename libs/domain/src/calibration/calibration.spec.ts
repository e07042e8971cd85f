import { spec } from '../given-when-then.testing';
import { marcheDecider, type EnregistrerMarche } from '../marche/marche.decider';
import type { MarcheEnregistre } from '../marche/marche.events';
import { eurosFr, formuleDeCalibration, heuresDeCalibration, pourcentFr } from './calibration';
import { calibrationDecider, type CalculerCalibration } from './calibration.decider';
import type { CalibrationCalculee, MetiersEvent } from './calibration.events';
import { metiersDecider, metiersParDefaut } from './metiers';

const table = (evenements: MetiersEvent[] = []) => evenements.reduce(metiersDecider.evolve, metiersParDefaut);

const calculer = (champs: Partial<CalculerCalibration> = {}): CalculerCalibration => ({
  type: 'CalculerCalibration',
  calibrationId: 'cal-1',
  montantHT: 1_000_000,
  partMainOeuvre: 0.5,
  tauxInsertion: 0.05,
  table: metiersParDefaut,
  ...champs,
});

const calculee = (champs: Partial<CalibrationCalculee['data']> = {}): CalibrationCalculee => ({
  type: 'CalibrationCalculee',
  data: {
    calibrationId: 'cal-1',
    montantHT: 1_000_000,
    partMainOeuvre: 0.5,
    metier: null,
    libelleMetier: null,
    tauxInsertion: 0.05,
    coutHoraire: 30,
    coutHoraireParDefaut: true,
    heures: 833,
    formule: '1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h',
    ...champs,
  },
});

const heures = (montantHT: number, partMainOeuvre: number, tauxInsertion: number, coutHoraire: number) =>
  heuresDeCalibration({ montantHT, partMainOeuvre, tauxInsertion, coutHoraire });

describe('calcul des heures d’une calibration', () => {
  it('1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h (833,33 arrondi à l’heure)', () => {
    expect(heures(1_000_000, 0.5, 0.05, 30)).toBe(833);
  });

  it('arrondit à l’heure la plus proche : une demi-heure exacte monte, juste en dessous descend', () => {
    expect(heures(100, 0.5, 0.05, 1)).toBe(3); // 2,5 h
    expect(heures(99.99, 0.5, 0.05, 1)).toBe(2); // 2,49975 h
    expect(heures(100.01, 0.5, 0.05, 1)).toBe(3); // 2,50025 h
    expect(heures(1_000_000, 0.5, 0.05, 32)).toBe(781); // 781,25 h
    expect(heures(1_000_000, 0.5, 0.05, 24)).toBe(1042); // 1 041,67 h
  });

  it('calcule exactement là où les nombres à virgule se trompent', () => {
    // En virgule flottante, 1 000 × 0,5 × 0,05 ÷ 1 vaut 25,000000000000004 ; 70 × 0,7 × 0,05 ÷ 1 vaut 2,4499999999999997.
    expect(heures(1000, 0.5, 0.05, 1)).toBe(25);
    expect(heures(70, 0.7, 0.05, 1)).toBe(2); // 2,45 h
    expect(heures(14.29, 0.7, 0.5, 1)).toBe(5); // 5,0015 h
  });

  it('tient les plus grandes valeurs : 10 milliards d’euros, parts de 100 %, 1 € de l’heure', () => {
    expect(heures(10_000_000_000, 1, 1, 1)).toBe(10_000_000_000);
    expect(heures(10_000_000_000, 0.0001, 0.0001, 1000)).toBe(0); // 0,1 h
    expect(heures(0.01, 1, 1, 1)).toBe(0); // 0,01 h
  });

  it('zéro heure quand une part vaut 0', () => {
    expect(heures(1_000_000, 0, 0.05, 30)).toBe(0);
    expect(heures(1_000_000, 0.5, 0, 30)).toBe(0);
  });
});

describe('formule en toutes lettres', () => {
  it('écrit l’exemple de l’équipe', () => {
    expect(formuleDeCalibration({ montantHT: 1_000_000, partMainOeuvre: 0.5, tauxInsertion: 0.05, coutHoraire: 30 }, 833)).toBe(
      '1 000 000 € × 50 % × 5 % ÷ 30 € = 833 h',
    );
  });

  it('écrit les centimes, les parts décimales et les milliers d’heures à la française', () => {
    expect(eurosFr(1234.5)).toBe('1 234,50 €');
    expect(eurosFr(0.07)).toBe('0,07 €');
    expect(eurosFr(10_000_000_000)).toBe('10 000 000 000 €');
    expect(pourcentFr(0.0525)).toBe('5,25 %');
    expect(pourcentFr(0.1234)).toBe('12,34 %');
    expect(pourcentFr(0.125)).toBe('12,5 %');
    expect(pourcentFr(1)).toBe('100 %');
    expect(pourcentFr(0)).toBe('0 %');
    expect(pourcentFr(0.0001)).toBe('0,01 %');
    expect(formuleDeCalibration({ montantHT: 2_500_000.5, partMainOeuvre: 0.7, tauxInsertion: 0.1, coutHoraire: 32.5 }, 5385)).toBe(
      '2 500 000,50 € × 70 % × 10 % ÷ 32,50 € = 5 385 h',
    );
  });
});

describe('calibration', () => {
  it('calcule avec une part de main-d’œuvre donnée et le coût horaire de la table (30 € par défaut)', () => {
    spec(calibrationDecider).given([]).when(calculer()).then([calculee()]);
  });

  it('calcule avec la part d’un métier de la table, et garde son code et son libellé', () => {
    spec(calibrationDecider)
      .given([])
      .when(calculer({ partMainOeuvre: undefined, metier: 'peinture_interieure' }))
      .then([
        calculee({ partMainOeuvre: 0.7, metier: 'peinture_interieure', libelleMetier: 'Peinture intérieure', heures: 1167, formule: '1 000 000 € × 70 % × 5 % ÷ 30 € = 1 167 h' }),
      ]);
  });

  it('les métiers par défaut : peinture intérieure 70 %, maçonnerie 50 %, menuiseries métalliques 20 %', () => {
    expect([...metiersParDefaut.metiers].map(([code, m]) => [code, m.partMainOeuvre])).toEqual([
      ['peinture_interieure', 0.7],
      ['maconnerie', 0.5],
      ['menuiseries_metalliques', 0.2],
    ]);
    expect(metiersParDefaut.coutHoraire).toBe(30);
  });

  it('une table modifiée par l’équipe change les calibrations suivantes (part et coût par défaut)', () => {
    const modifiee = table([
      { type: 'TauxMainOeuvreFixe', data: { metier: 'maconnerie', libelle: 'Maçonnerie et gros œuvre', partMainOeuvre: 0.4 } },
      { type: 'CoutHoraireFixe', data: { coutHoraire: 25 } },
    ]);
    spec(calibrationDecider)
      .given([])
      .when(calculer({ partMainOeuvre: undefined, metier: 'maconnerie', table: modifiee }))
      .then([
        calculee({ partMainOeuvre: 0.4, metier: 'maconnerie', libelleMetier: 'Maçonnerie et gros œuvre', coutHoraire: 25, heures: 800, formule: '1 000 000 € × 40 % × 5 % ÷ 25 € = 800 h' }),
      ]);
  });

  it('un coût horaire donné l’emporte sur celui de la table', () => {
    spec(calibrationDecider)
      .given([])
      .when(calculer({ coutHoraire: 40 }))
      .then([calculee({ coutHoraire: 40, coutHoraireParDefaut: false, heures: 625, formule: '1 000 000 € × 50 % × 5 % ÷ 40 € = 625 h' })]);
  });

  it('un métier ajouté par l’équipe sert aussitôt', () => {
    const avecPlomberie = table([{ type: 'TauxMainOeuvreFixe', data: { metier: 'plomberie', libelle: 'Plomberie', partMainOeuvre: 0.45 } }]);
    spec(calibrationDecider)
      .given([])
      .when(calculer({ partMainOeuvre: undefined, metier: 'plomberie', table: avecPlomberie }))
      .then((events) => expect(events[0].data).toMatchObject({ metier: 'plomberie', partMainOeuvre: 0.45, heures: 750 }));
  });

  it('refuse un métier absent de la table : METIER_INCONNU', () => {
    spec(calibrationDecider).given([]).when(calculer({ partMainOeuvre: undefined, metier: 'plomberie' })).thenFails('METIER_INCONNU', { champ: 'metier', metier: 'plomberie' });
    // Un nom de propriété d'objet n'est pas un métier.
    spec(calibrationDecider).given([]).when(calculer({ partMainOeuvre: undefined, metier: 'constructor' })).thenFails('METIER_INCONNU');
  });

  it('exige exactement une de partMainOeuvre et metier', () => {
    spec(calibrationDecider).given([]).when(calculer({ partMainOeuvre: undefined })).thenFails('PART_MAIN_OEUVRE_OU_METIER');
    spec(calibrationDecider).given([]).when(calculer({ metier: 'maconnerie' })).thenFails('PART_MAIN_OEUVRE_OU_METIER');
  });

  it('refuse un identifiant déjà calculé', () => {
    spec(calibrationDecider).given([calculee()]).when(calculer()).thenFails('CALIBRATION_DEJA_CALCULEE');
  });

  it.each([
    [{ montantHT: 0 }, 'MONTANT_INVALIDE'],
    [{ montantHT: -1 }, 'MONTANT_INVALIDE'],
    [{ montantHT: 10_000_000_000.01 }, 'MONTANT_INVALIDE'],
    [{ montantHT: 1e308 }, 'MONTANT_INVALIDE'],
    [{ montantHT: 1000.005 }, 'MONTANT_INVALIDE'],
    [{ montantHT: Number.NaN }, 'MONTANT_INVALIDE'],
    [{ partMainOeuvre: -0.0001 }, 'PART_INVALIDE'],
    [{ partMainOeuvre: 1.0001 }, 'PART_INVALIDE'],
    [{ partMainOeuvre: 0.12345 }, 'PART_INVALIDE'],
    [{ tauxInsertion: -0.0001 }, 'PART_INVALIDE'],
    [{ tauxInsertion: 1.0001 }, 'PART_INVALIDE'],
    [{ tauxInsertion: 1e-9 }, 'PART_INVALIDE'],
    [{ coutHoraire: 0.99 }, 'COUT_HORAIRE_INVALIDE'],
    [{ coutHoraire: 1000.01 }, 'COUT_HORAIRE_INVALIDE'],
    [{ coutHoraire: 30.005 }, 'COUT_HORAIRE_INVALIDE'],
    [{ coutHoraire: Number.POSITIVE_INFINITY }, 'COUT_HORAIRE_INVALIDE'],
    [{ partMainOeuvre: undefined, metier: 'Peinture' }, 'CODE_METIER_INVALIDE'],
  ])('refuse %j (%s)', (champs, code) => {
    spec(calibrationDecider).given([]).when(calculer(champs)).thenFails(code);
  });

  it('accepte les bornes : 0,01 € et 10 milliards d’euros, parts 0 et 1 à 4 décimales, coûts 1 € et 1 000 €', () => {
    for (const champs of [
      { montantHT: 0.01, coutHoraire: 1 },
      { montantHT: 10_000_000_000, coutHoraire: 1000 },
      { partMainOeuvre: 0, tauxInsertion: 1 },
      { partMainOeuvre: 1, tauxInsertion: 0 },
      { partMainOeuvre: 0.1234, tauxInsertion: 0.0001 },
    ]) {
      spec(calibrationDecider).given([]).when(calculer(champs)).then((events) => expect(events).toHaveLength(1));
    }
  });
});

describe('un marché enregistré depuis une calibration', () => {
  const enregistrer = (champs: Partial<EnregistrerMarche> = {}): EnregistrerMarche => ({
    type: 'EnregistrerMarche',
    marcheId: 'm-1',
    donneurOrdreId: 'do-1',
    operationId: 'op-1',
    numero: '2025-017 lot 3',
    objet: 'Peinture des logements',
    secteur: 'services',
    baseJuridique: 'L2112-2',
    heuresPrevues: 833,
    dateDebut: '2025-03-10',
    dateFin: '2026-04-20',
    donneurOrdreExiste: true,
    operation: { donneurOrdreId: 'do-1' },
    ...champs,
  });

  it('garde la référence à sa calibration', () => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ calibrationId: 'cal-1', calibrationExiste: true }))
      .then((events) => expect(events[0].data).toMatchObject({ calibrationId: 'cal-1', heuresPrevues: 833 }));
  });

  it('refuse une calibration inconnue : CALIBRATION_INCONNUE', () => {
    spec(marcheDecider).given([]).when(enregistrer({ calibrationId: 'cal-x', calibrationExiste: false })).thenFails('CALIBRATION_INCONNUE', { champ: 'calibrationId' });
  });

  it('sans calibration, l’événement n’a pas le champ ; un événement sans lui reste valide et se lit null', () => {
    const [event] = marcheDecider.decide(enregistrer(), marcheDecider.initialState) as MarcheEnregistre[];
    expect(event.data).not.toHaveProperty('calibrationId');
    const state = marcheDecider.evolve(marcheDecider.initialState, event);
    expect(state).toMatchObject({ existe: true, calibrationId: null });
    const avec = marcheDecider.evolve(marcheDecider.initialState, { type: 'MarcheEnregistre', data: { ...event.data, calibrationId: 'cal-1' } });
    expect(avec).toMatchObject({ calibrationId: 'cal-1' });
  });
});

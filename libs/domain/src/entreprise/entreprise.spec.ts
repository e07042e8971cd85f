import { spec } from '../given-when-then.testing';
import { entrepriseDecider, siretDecider, siretStream, type EnregistrerEntreprise, type ReserverSiret } from './entreprise.decider';
import { TYPES_ENTREPRISE, type EntrepriseEnregistree, type SiretLibere, type SiretReserve, type TypeEntreprise } from './entreprise.events';

const ENTREPRISE_ID = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01';
const AUTRE_ENTREPRISE_ID = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02';
const SIRET = '73282932000074';

const enregistrer = (champs: Partial<EnregistrerEntreprise> = {}): EnregistrerEntreprise => ({
  type: 'EnregistrerEntreprise',
  entrepriseId: ENTREPRISE_ID,
  siret: SIRET,
  raisonSociale: 'Bâtiments de Bourgogne',
  typeEntreprise: 'classique',
  ...champs,
});

const enregistree = (champs: Partial<EntrepriseEnregistree['data']> = {}): EntrepriseEnregistree => ({
  type: 'EntrepriseEnregistree',
  data: { entrepriseId: ENTREPRISE_ID, siret: SIRET, siren: '732829320', raisonSociale: 'Bâtiments de Bourgogne', type: 'classique', ...champs },
});

const reserver = (entrepriseId = ENTREPRISE_ID, reservationActive = true): ReserverSiret => ({ type: 'ReserverSiret', siret: SIRET, entrepriseId, reservationActive });
const liberer = (entrepriseId = ENTREPRISE_ID) => ({ type: 'LibererSiret' as const, siret: SIRET, entrepriseId });
const libere = (entrepriseId = ENTREPRISE_ID): SiretLibere => ({ type: 'SiretLibere', data: { siret: SIRET, entrepriseId } });
const reserve = (entrepriseId = ENTREPRISE_ID): SiretReserve => ({ type: 'SiretReserve', data: { siret: SIRET, entrepriseId } });

describe('enregistrement d’une entreprise', () => {
  it('enregistre une entreprise avec son SIRET et en déduit le SIREN', () => {
    spec(entrepriseDecider).given([]).when(enregistrer()).then([enregistree()]);
  });

  it.each(TYPES_ENTREPRISE)('accepte le type %s', (type) => {
    spec(entrepriseDecider).given([]).when(enregistrer({ typeEntreprise: type })).then([enregistree({ type })]);
  });

  it.each(['732 829 320 00074', '732.829.320.00074'])('normalise le SIRET saisi %p', (siret) => {
    spec(entrepriseDecider).given([]).when(enregistrer({ siret })).then([enregistree()]);
  });

  it('accepte le SIRET du siège de La Poste', () => {
    spec(entrepriseDecider)
      .given([])
      .when(enregistrer({ siret: '35600000000048', raisonSociale: 'La Poste' }))
      .then([enregistree({ siret: '35600000000048', siren: '356000000', raisonSociale: 'La Poste' })]);
  });

  it.each([
    ['une clé de Luhn fausse', '73282932000075'],
    ['13 chiffres', '7328293200007'],
    ['une lettre', '7328293200007A'],
    ['une chaîne vide', ''],
  ])('refuse un SIRET avec %s par SIRET_INVALIDE', (_cas, siret) => {
    spec(entrepriseDecider).given([]).when(enregistrer({ siret })).thenFails('SIRET_INVALIDE', { champ: 'siret', valeur: siret });
  });

  it('refuse un SIRET qui n’est pas une chaîne', () => {
    spec(entrepriseDecider)
      .given([])
      .when(enregistrer({ siret: 73282932000074 as unknown as string }))
      .thenFails('SIRET_INVALIDE');
  });

  it('refuse une raison sociale vide avec CHAMP_REQUIS', () => {
    spec(entrepriseDecider).given([]).when(enregistrer({ raisonSociale: '  ' })).thenFails('CHAMP_REQUIS', { champ: 'raisonSociale' });
  });

  it('refuse un type hors de la liste avec VALEUR_NON_AUTORISEE', () => {
    spec(entrepriseDecider)
      .given([])
      .when(enregistrer({ typeEntreprise: 'siae' as TypeEntreprise }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'type', valeur: 'siae' });
  });

  it('refuse un second enregistrement sous le même identifiant', () => {
    spec(entrepriseDecider).given([enregistree()]).when(enregistrer()).thenFails('ENTREPRISE_DEJA_ENREGISTREE');
  });
});

describe('unicité du SIRET', () => {
  it('nomme le flux du SIRET', () => {
    expect(siretStream(SIRET)).toBe('siret-73282932000074');
  });

  it('réserve un SIRET libre pour l’entreprise', () => {
    spec(siretDecider).given([]).when(reserver()).then([reserve()]);
  });

  it('ne produit aucun événement quand la même entreprise réserve à nouveau son SIRET', () => {
    spec(siretDecider).given([reserve()]).when(reserver()).then([]);
  });

  it('refuse le SIRET déjà pris par une autre entreprise avec SIRET_DEJA_ENREGISTRE, de nature conflit', () => {
    const erreur = spec(siretDecider)
      .given([reserve()])
      .when(reserver(AUTRE_ENTREPRISE_ID))
      .thenFails('SIRET_DEJA_ENREGISTRE', { siret: SIRET, entrepriseId: ENTREPRISE_ID });
    expect(erreur.kind).toBe('conflit');
  });

  it('reprend une réservation périmée (son entreprise ne porte pas ce SIRET : enregistrement jamais abouti)', () => {
    spec(siretDecider).given([reserve()]).when(reserver(AUTRE_ENTREPRISE_ID, false)).then([reserve(AUTRE_ENTREPRISE_ID)]);
  });

  it('libère le SIRET d’un enregistrement finalement refusé, puis le réserve pour une autre entreprise', () => {
    spec(siretDecider).given([reserve()]).when(liberer()).then([libere()]);
    spec(siretDecider).given([reserve(), libere()]).when(reserver(AUTRE_ENTREPRISE_ID)).then([reserve(AUTRE_ENTREPRISE_ID)]);
  });

  it('ne libère pas un SIRET tenu par une autre entreprise', () => {
    spec(siretDecider).given([reserve(AUTRE_ENTREPRISE_ID)]).when(liberer()).then([]);
    spec(siretDecider).given([]).when(liberer()).then([]);
  });
});

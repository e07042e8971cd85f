import { fold } from '../decider';
import { spec } from '../given-when-then.testing';
import type { TypeEntreprise } from '../entreprise/entreprise.events';
import { marcheDecider } from '../marche/marche.decider';
import type { MarcheEvent } from '../marche/marche.events';
import { salarieDecider, type SalarieCommand, type SalarieEnregistreState } from '../salarie/salarie.decider';
import type { SalarieEvent } from '../salarie/salarie.events';
import type { EligibiliteValidee, SalarieEnregistre } from '../salarie/salarie.events';
import {
  trouverDeclaration,
  type CorrigerDeclaration,
  type DeclarerHeures,
  type DemarrerPlacement,
  type MarcheVu,
  type TerminerPlacement,
} from './placement.decider';
import type { HeuresCorrigees, HeuresDeclarees, Modalite, PlacementDemarre, PlacementTermine, TypeContrat } from './placement.events';
import { SORTIES, categorieDeSortie, estSortiePositive, type CategorieSortie, type Sortie } from './sortie';

const NOW = new Date('2026-06-15T10:00:00Z');
const SALARIE_ID = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f01';
const MARCHE_ID = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c01';
const TITULAIRE = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01';
const COTRAITANT = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02';
const STRUCTURE = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e03';
const NON_ATTRIBUTAIRE = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e04';
const P1 = 'a1000000-0000-4000-8000-000000000001';
const P2 = 'a1000000-0000-4000-8000-000000000002';
const D1 = 'd1000000-0000-4000-8000-000000000001';
const D2 = 'd1000000-0000-4000-8000-000000000002';
const D3 = 'd1000000-0000-4000-8000-000000000003';
const C1 = 'c1000000-0000-4000-8000-000000000001';

// The marché, as its own stream holds it; a placement command sees it through MarcheVu.
const marcheEnregistre: MarcheEvent = {
  type: 'MarcheEnregistre',
  data: {
    marcheId: MARCHE_ID,
    donneurOrdreId: 'donneur-ordre',
    operationId: 'operation',
    numero: '2025-017 lot 3',
    objet: 'Gros œuvre de la maison de santé',
    secteur: 'btp',
    baseJuridique: 'L2112-2',
    heuresPrevues: 3425,
    dateDebut: '2025-03-10',
    dateFin: '2026-04-20',
  },
};
const attribue = (entrepriseId: string, role: 'titulaire' | 'cotraitant' | 'soustraitant'): MarcheEvent => ({
  type: 'MarcheAttribue',
  data: { marcheId: MARCHE_ID, entrepriseId, role },
});
const avenantDateFin = (dateFin: string): MarcheEvent => ({
  type: 'AvenantConclu',
  data: { marcheId: MARCHE_ID, dateFin, motif: 'Prolongation', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' },
});
const marcheCloture: MarcheEvent = { type: 'MarcheCloture', data: { marcheId: MARCHE_ID, date: '2026-05-31' } };
const attributaires = [attribue(TITULAIRE, 'titulaire'), attribue(COTRAITANT, 'cotraitant')];

/** What the handler reads of the marché at command time: its folded state. */
function marcheVu(...suite: MarcheEvent[]): MarcheVu {
  const state = fold(marcheDecider, [marcheEnregistre, ...attributaires, ...suite]);
  if (!state.existe) throw new Error('marché absent');
  return {
    marcheId: state.marcheId,
    dateDebut: state.dateDebut,
    dateFin: state.dateFin,
    dateCloture: state.dateCloture,
    attributaires: state.attributaires.map((a) => a.entrepriseId),
  };
}
const MARCHE = marcheVu();

// Past events of the salarié's stream
const salarieEnregistre: SalarieEnregistre = {
  type: 'SalarieEnregistre',
  data: {
    salarieId: SALARIE_ID,
    nom: 'Martin',
    prenom: 'Awa',
    sexe: 'F',
    dateNaissance: '1990-05-12',
    adresse: null,
    trancheAge: '26_49',
    commune: 'Dijon',
    quartierQpv: 'Grésilles',
    niveauFormation: '3',
  },
};
const eligibilite = (dateValidation = '2025-03-01'): EligibiliteValidee => ({
  type: 'EligibiliteValidee',
  data: { salarieId: SALARIE_ID, criteres: ['deld'], dateValidation, precision: null, validePar: 'facilitatrice-1' },
});
const eligible: SalarieEvent[] = [salarieEnregistre, eligibilite()];
const demarre = (champs: Partial<PlacementDemarre['data']> = {}): PlacementDemarre => ({
  type: 'PlacementDemarre',
  data: {
    salarieId: SALARIE_ID,
    placementId: P1,
    marcheId: MARCHE_ID,
    entrepriseId: TITULAIRE,
    entrepriseUtilisatriceId: null,
    modalite: 'embauche_directe',
    typeContrat: 'cdd',
    dateDebut: '2025-06-16',
    ...champs,
  },
});
/** A second placement of the same person on the same marché, employed by the cotraitant. */
const demarreP2 = demarre({ placementId: P2, entrepriseId: COTRAITANT, typeContrat: 'cdi' });
const declarees = (mois: string, heures: number, declarationId = D1, placementId = P1): HeuresDeclarees => ({
  type: 'HeuresDeclarees',
  data: { salarieId: SALARIE_ID, placementId, marcheId: MARCHE_ID, declarationId, mois, heures },
});
const corrigees = (
  mois: string,
  heuresPrecedentes: number,
  heures: number,
  declarationId = D1,
  placementId = P1,
  correctionId = C1,
): HeuresCorrigees => ({
  type: 'HeuresCorrigees',
  data: { salarieId: SALARIE_ID, placementId, marcheId: MARCHE_ID, declarationId, correctionId, mois, heures, heuresPrecedentes, motif: 'Feuille de temps rectifiée' },
});
const termine = (dateFin: string, sortie: Sortie = 'cdi', placementId = P1): PlacementTermine => ({
  type: 'PlacementTermine',
  data: {
    salarieId: SALARIE_ID,
    placementId,
    marcheId: MARCHE_ID,
    dateFin,
    sortie,
    sortiePositive: estSortiePositive(sortie),
    categorieSortie: categorieDeSortie(sortie),
  },
});
/** An eligible person with one placement started on 2025-06-16, then `suite`. */
const placee = (...suite: SalarieEvent[]): SalarieEvent[] => [...eligible, demarre(), ...suite];

// Commands
const demarrer = (champs: Partial<DemarrerPlacement> = {}, typeEntreprise: TypeEntreprise = 'classique'): DemarrerPlacement => ({
  type: 'DemarrerPlacement',
  placementId: P1,
  marcheId: MARCHE_ID,
  entrepriseId: TITULAIRE,
  modalite: 'embauche_directe',
  typeContrat: 'cdd',
  dateDebut: '2025-06-16',
  now: NOW,
  marche: MARCHE,
  entreprise: { type: typeEntreprise },
  ...champs,
});
const declarer = (mois: string, heures: number, champs: Partial<DeclarerHeures> = {}): DeclarerHeures => ({
  type: 'DeclarerHeures',
  placementId: P1,
  declarationId: D1,
  mois,
  heures,
  now: NOW,
  marche: MARCHE,
  ...champs,
});
const corriger = (heures: number, champs: Partial<CorrigerDeclaration> = {}): CorrigerDeclaration => ({
  type: 'CorrigerDeclaration',
  declarationId: D1,
  correctionId: C1,
  heures,
  motif: 'Feuille de temps rectifiée',
  marche: MARCHE,
  ...champs,
});
const terminer = (dateFin: string, sortie: Sortie = 'cdi', champs: Partial<TerminerPlacement> = {}): TerminerPlacement => ({
  type: 'TerminerPlacement',
  placementId: P1,
  dateFin,
  sortie,
  now: NOW,
  ...champs,
});

const etat = (events: SalarieEvent[]) => fold(salarieDecider, events) as SalarieEnregistreState;

describe('salarié inconnu', () => {
  it.each<[string, SalarieCommand]>([
    ['un démarrage de placement', demarrer()],
    ['une déclaration', declarer('2026-01', 10)],
    ['une correction', corriger(10)],
    ['une fin de placement', terminer('2026-01-31')],
  ])('refuse %s avec SALARIE_INTROUVABLE, de nature introuvable', (_cas, commande) => {
    const erreur = spec(salarieDecider).given([]).when(commande).thenFails('SALARIE_INTROUVABLE');
    expect(erreur.kind).toBe('introuvable');
  });
});

describe('démarrage d’un placement', () => {
  it("démarre un placement en embauche directe par le titulaire", () => {
    spec(salarieDecider).given(eligible).when(demarrer()).then([demarre()]);
  });

  it('ajoute le placement à l’état, sans fin ni déclaration', () => {
    expect(etat(placee()).placements[P1]).toEqual({
      placementId: P1,
      marcheId: MARCHE_ID,
      entrepriseId: TITULAIRE,
      entrepriseUtilisatriceId: null,
      modalite: 'embauche_directe',
      typeContrat: 'cdd',
      dateDebut: '2025-06-16',
      fin: null,
      declarations: [],
    });
  });

  it('démarre un placement employé par un cotraitant', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ placementId: P2, entrepriseId: COTRAITANT, typeContrat: 'cdi' })).then([demarreP2]);
  });

  it.each<[TypeEntreprise, TypeContrat]>([['ei', 'cddi'], ['ai', 'cddi'], ['aci', 'cddi'], ['etti', 'interim']])('accepte la sous-traitance à une SIAE de type %s attributaire (contrat %s)', (type, typeContrat) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ modalite: 'sous_traitance_siae', typeContrat }, type))
      .then([demarre({ modalite: 'sous_traitance_siae', typeContrat })]);
  });

  it.each<[TypeEntreprise]>([['classique'], ['geiq'], ['esat'], ['ea']])('refuse la sous-traitance SIAE par un employeur de type %s', (type) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ modalite: 'sous_traitance_siae', typeContrat: 'cddi' }, type))
      .thenFails('SOUS_TRAITANCE_SIAE_NON_AUTORISEE', { type });
  });

  it.each<[Modalite, TypeContrat]>([
    ['formation', 'formation'],
    ['embauche_directe', 'apprentissage'],
    ['embauche_directe', 'contrat_pro'],
  ])('accepte la modalité %s avec un contrat %s chez un attributaire', (modalite, typeContrat) => {
    spec(salarieDecider).given(eligible).when(demarrer({ modalite, typeContrat })).then([demarre({ modalite, typeContrat })]);
  });

  it('ignore une entreprise utilisatrice quand l’employeur est lui-même attributaire', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ entrepriseUtilisatriceId: COTRAITANT })).then([demarre()]);
  });

  it('refuse un identifiant de placement déjà pris', () => {
    spec(salarieDecider).given(placee()).when(demarrer({ entrepriseId: COTRAITANT })).thenFails('PLACEMENT_DEJA_DEMARRE');
  });

  it('refuse une modalité hors de la liste', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ modalite: 'interim' as Modalite }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'modalite', valeur: 'interim' });
  });

  it('refuse un type de contrat hors de la liste', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ typeContrat: 'stage' as TypeContrat }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'typeContrat', valeur: 'stage' });
  });

  it('refuse une date de début qui n’existe pas', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ dateDebut: '2025-06-31' })).thenFails('DATE_INVALIDE', { champ: 'dateDebut' });
  });

  it('refuse un marché inconnu', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ marche: null })).thenFails('MARCHE_INCONNU', { marcheId: MARCHE_ID });
  });

  it('refuse un marché clôturé', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ marche: marcheVu(marcheCloture) })).thenFails('MARCHE_CLOTURE', { dateCloture: '2026-05-31' });
  });

  it('accepte un démarrage le premier jour du marché et refuse la veille', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ dateDebut: '2025-03-10' })).then([demarre({ dateDebut: '2025-03-10' })]);
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ dateDebut: '2025-03-09' }))
      .thenFails('PLACEMENT_HORS_PERIODE', { dateDebut: '2025-03-09', periode: { du: '2025-03-10', au: '2026-04-20' } });
  });

  it('accepte un démarrage le dernier jour du marché et refuse le lendemain', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ dateDebut: '2026-04-20' })).then([demarre({ dateDebut: '2026-04-20' })]);
    spec(salarieDecider).given(eligible).when(demarrer({ dateDebut: '2026-04-21' })).thenFails('PLACEMENT_HORS_PERIODE');
  });

  it('accepte un démarrage après la fin initiale quand un avenant a prolongé le marché', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ dateDebut: '2026-05-04', marche: marcheVu(avenantDateFin('2026-08-31')) }))
      .then([demarre({ dateDebut: '2026-05-04' })]);
  });

  it('accepte une éligibilité validée le jour du début du placement', () => {
    spec(salarieDecider)
      .given([salarieEnregistre, eligibilite('2025-06-16')])
      .when(demarrer())
      .then([demarre()]);
  });

  it('refuse une éligibilité validée le lendemain du début du placement', () => {
    spec(salarieDecider)
      .given([salarieEnregistre, eligibilite('2025-06-17')])
      .when(demarrer())
      .thenFails('ELIGIBILITE_NON_VALIDEE', { dateDebut: '2025-06-16' });
  });

  it('refuse une personne dont l’éligibilité n’a jamais été validée', () => {
    spec(salarieDecider).given([salarieEnregistre]).when(demarrer()).thenFails('ELIGIBILITE_NON_VALIDEE');
  });

  it('refuse une entreprise inconnue', () => {
    spec(salarieDecider).given(eligible).when(demarrer({ entreprise: null })).thenFails('ENTREPRISE_INCONNUE', { entrepriseId: TITULAIRE });
  });

  it('refuse une embauche directe par une entreprise qui n’est pas attributaire', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: NON_ATTRIBUTAIRE }))
      .thenFails('ENTREPRISE_NON_ATTRIBUTAIRE', { entrepriseId: NON_ATTRIBUTAIRE, entrepriseUtilisatriceId: null });
  });

  it('refuse une embauche directe par une ETTI non attributaire, même avec une entreprise utilisatrice', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: STRUCTURE, entrepriseUtilisatriceId: TITULAIRE }, 'etti'))
      .thenFails('ENTREPRISE_NON_ATTRIBUTAIRE');
  });

  it('refuse un second placement en cours sur le même marché avec la même entreprise', () => {
    spec(salarieDecider).given(placee()).when(demarrer({ placementId: P2 })).thenFails('PLACEMENT_DEJA_EN_COURS', { placementId: P1 });
  });

  it('accepte un nouveau placement avec la même entreprise une fois le précédent terminé', () => {
    spec(salarieDecider)
      .given(placee(termine('2025-12-19')))
      .when(demarrer({ placementId: P2, dateDebut: '2026-01-05' }))
      .then([demarre({ placementId: P2, dateDebut: '2026-01-05' })]);
  });
});

describe('mise à disposition', () => {
  it.each<[TypeEntreprise, TypeContrat]>([
    ['etti', 'interim'],
    ['ai', 'cddi'],
    ['geiq', 'contrat_pro'],
  ])('accepte une mise à disposition par une structure %s (contrat %s) auprès d’un attributaire', (type, typeContrat) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: STRUCTURE, entrepriseUtilisatriceId: TITULAIRE, modalite: 'mise_a_disposition', typeContrat }, type))
      .then([demarre({ entrepriseId: STRUCTURE, entrepriseUtilisatriceId: TITULAIRE, modalite: 'mise_a_disposition', typeContrat })]);
  });

  it.each<TypeEntreprise>(['classique', 'ei', 'aci', 'esat', 'ea'])('refuse une mise à disposition par une entreprise %s', (type) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: STRUCTURE, entrepriseUtilisatriceId: TITULAIRE, modalite: 'mise_a_disposition' }, type))
      .thenFails('MISE_A_DISPOSITION_NON_AUTORISEE', { entrepriseId: STRUCTURE, type });
  });

  it('refuse une mise à disposition par une entreprise classique, même attributaire', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: COTRAITANT, entrepriseUtilisatriceId: TITULAIRE, modalite: 'mise_a_disposition' }, 'classique'))
      .thenFails('MISE_A_DISPOSITION_NON_AUTORISEE', { entrepriseId: COTRAITANT, type: 'classique' });
  });

  it('refuse une mise à disposition auprès d’une entreprise qui n’est pas attributaire', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: STRUCTURE, entrepriseUtilisatriceId: NON_ATTRIBUTAIRE, modalite: 'mise_a_disposition', typeContrat: 'interim' }, 'etti'))
      .thenFails('ENTREPRISE_NON_ATTRIBUTAIRE', { entrepriseId: STRUCTURE, entrepriseUtilisatriceId: NON_ATTRIBUTAIRE });
  });

  it('refuse une mise à disposition sans entreprise utilisatrice', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ entrepriseId: STRUCTURE, modalite: 'mise_a_disposition', typeContrat: 'apprentissage' }, 'geiq'))
      .thenFails('ENTREPRISE_NON_ATTRIBUTAIRE', { entrepriseUtilisatriceId: null });
  });
});

describe('modalité et contrat', () => {
  // The employer kind is the entreprise's type read by the handler; the marché's attributaires
  // include TITULAIRE (employer of direct hires) and the provider is STRUCTURE, at TITULAIRE's.
  const miseADisposition = (typeContrat: TypeContrat) => ({ entrepriseId: STRUCTURE, entrepriseUtilisatriceId: TITULAIRE, modalite: 'mise_a_disposition' as const, typeContrat });

  it.each<TypeContrat>(['cdi', 'cdd', 'contrat_pro', 'apprentissage'])('accepte une embauche directe en %s par une entreprise classique', (typeContrat) => {
    spec(salarieDecider).given(eligible).when(demarrer({ typeContrat })).then([demarre({ typeContrat })]);
  });

  it.each<TypeContrat>(['interim', 'formation', 'cddi'])('refuse une embauche directe en %s par une entreprise classique', (typeContrat) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ typeContrat }))
      .thenFails('CONTRAT_INCOMPATIBLE_MODALITE', { modalite: 'embauche_directe', typeContrat, type: 'classique' });
  });

  it.each<TypeEntreprise>(['ei', 'ai', 'aci'])('accepte une embauche directe en CDDI par une SIAE %s', (type) => {
    spec(salarieDecider).given(eligible).when(demarrer({ typeContrat: 'cddi' }, type)).then([demarre({ typeContrat: 'cddi' })]);
  });

  it.each<TypeEntreprise>(['etti', 'geiq', 'esat', 'ea'])('refuse une embauche directe en CDDI par une structure %s', (type) => {
    spec(salarieDecider).given(eligible).when(demarrer({ typeContrat: 'cddi' }, type)).thenFails('CONTRAT_INCOMPATIBLE_MODALITE', { type });
  });

  it.each<[TypeEntreprise, TypeContrat, TypeContrat]>([
    ['etti', 'interim', 'cddi'],
    ['ai', 'cddi', 'interim'],
    ['geiq', 'contrat_pro', 'cdd'],
    ['geiq', 'apprentissage', 'cdi'],
  ])('met à disposition par une structure %s en %s, pas en %s', (type, accepte, refuse) => {
    spec(salarieDecider).given(eligible).when(demarrer(miseADisposition(accepte), type)).then([demarre(miseADisposition(accepte))]);
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer(miseADisposition(refuse), type))
      .thenFails('CONTRAT_INCOMPATIBLE_MODALITE', { modalite: 'mise_a_disposition', typeContrat: refuse, type, contratsAutorises: expect.arrayContaining([accepte]) });
  });

  it('refuse une mise à disposition par une entreprise classique sous son propre code, même avec un contrat d’intérim', () => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer(miseADisposition('interim'), 'classique'))
      .thenFails('MISE_A_DISPOSITION_NON_AUTORISEE', { type: 'classique' });
  });

  it.each<[TypeEntreprise, TypeContrat, TypeContrat]>([
    ['ei', 'cddi', 'interim'],
    ['ai', 'cddi', 'cdd'],
    ['aci', 'cddi', 'cdi'],
    ['etti', 'interim', 'cddi'],
  ])('sous-traite à une SIAE %s en %s, pas en %s', (type, accepte, refuse) => {
    const sousTraitance = (typeContrat: TypeContrat) => ({ modalite: 'sous_traitance_siae' as const, typeContrat });
    spec(salarieDecider).given(eligible).when(demarrer(sousTraitance(accepte), type)).then([demarre(sousTraitance(accepte))]);
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer(sousTraitance(refuse), type))
      .thenFails('CONTRAT_INCOMPATIBLE_MODALITE', { modalite: 'sous_traitance_siae', typeContrat: refuse, type });
  });

  it.each<TypeEntreprise>(['classique', 'ei', 'geiq'])('accepte une formation avec le contrat formation chez un attributaire %s', (type) => {
    spec(salarieDecider).given(eligible).when(demarrer({ modalite: 'formation', typeContrat: 'formation' }, type)).then([demarre({ modalite: 'formation', typeContrat: 'formation' })]);
  });

  it.each<TypeContrat>(['cdi', 'cdd', 'contrat_pro', 'apprentissage', 'interim', 'cddi'])('refuse une formation avec un contrat %s', (typeContrat) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ modalite: 'formation', typeContrat }, 'ei'))
      .thenFails('CONTRAT_INCOMPATIBLE_MODALITE', { modalite: 'formation', typeContrat, contratsAutorises: ['formation'] });
  });

  it.each<[string, Partial<DemarrerPlacement>, TypeEntreprise]>([
    ['une embauche directe', {}, 'classique'],
    ['une mise à disposition', miseADisposition('formation'), 'geiq'],
    ['une sous-traitance SIAE', { modalite: 'sous_traitance_siae' }, 'aci'],
  ])('refuse le contrat formation dans %s', (_cas, champs, type) => {
    spec(salarieDecider)
      .given(eligible)
      .when(demarrer({ ...champs, typeContrat: 'formation' }, type))
      .thenFails('CONTRAT_INCOMPATIBLE_MODALITE', { typeContrat: 'formation' });
  });
});

describe('déclaration des heures', () => {
  it('déclare les heures d’un mois sur le placement', () => {
    spec(salarieDecider).given(placee()).when(declarer('2026-01', 151.67)).then([declarees('2026-01', 151.67)]);
  });

  it('ajoute la déclaration au placement et les heures au total du mois', () => {
    const state = etat(placee(declarees('2026-01', 151.67)));
    expect(state.placements[P1].declarations).toEqual([{ declarationId: D1, mois: '2026-01', heures: 151.67, heuresDeclarees: 151.67, corrections: [] }]);
    expect(state.centiemesParMois).toEqual({ '2026-01': 15167 });
  });

  it('refuse un placement inconnu, de nature introuvable', () => {
    const erreur = spec(salarieDecider).given(eligible).when(declarer('2026-01', 10)).thenFails('PLACEMENT_INTROUVABLE');
    expect(erreur.kind).toBe('introuvable');
  });

  it.each(['2026-13', '2026-1', '2026-01-01', ''])('refuse le mois %p avec MOIS_INVALIDE', (mois) => {
    spec(salarieDecider).given(placee()).when(declarer(mois, 10)).thenFails('MOIS_INVALIDE', { champ: 'mois', valeur: mois });
  });

  it('accepte 220 h dans un mois', () => {
    spec(salarieDecider).given(placee()).when(declarer('2026-01', 220)).then([declarees('2026-01', 220)]);
  });

  it('refuse 220,01 h dans un mois avec HEURES_MAX_MOIS_DEPASSEES', () => {
    spec(salarieDecider).given(placee()).when(declarer('2026-01', 220.01)).thenFails('HEURES_MAX_MOIS_DEPASSEES', { maximum: 220 });
  });

  it('accepte des heures à 2 décimales', () => {
    spec(salarieDecider).given(placee()).when(declarer('2026-01', 7.25)).then([declarees('2026-01', 7.25)]);
  });

  it('refuse des heures à 3 décimales avec HEURES_INVALIDES', () => {
    spec(salarieDecider).given(placee()).when(declarer('2026-01', 7.255)).thenFails('HEURES_INVALIDES', { champ: 'heures', heures: 7.255 });
  });

  it.each([0, -1, -0.01])('refuse %p heure(s) avec HEURES_INVALIDES', (heures) => {
    spec(salarieDecider).given(placee()).when(declarer('2026-01', heures)).thenFails('HEURES_INVALIDES');
  });

  it('accepte le mois du début du placement', () => {
    spec(salarieDecider).given(placee()).when(declarer('2025-06', 60)).then([declarees('2025-06', 60)]);
  });

  it('refuse le mois qui précède le début du placement', () => {
    spec(salarieDecider)
      .given(placee())
      .when(declarer('2025-05', 60))
      .thenFails('MOIS_AVANT_DEBUT_PLACEMENT', { mois: '2025-05', dateDebut: '2025-06-16' });
  });

  it('accepte le mois en cours et refuse le mois suivant avec MOIS_FUTUR', () => {
    const prolonge = marcheVu(avenantDateFin('2026-08-31'));
    spec(salarieDecider).given(placee()).when(declarer('2026-06', 80, { marche: prolonge })).then([declarees('2026-06', 80)]);
    spec(salarieDecider).given(placee()).when(declarer('2026-07', 80, { marche: prolonge })).thenFails('MOIS_FUTUR', { mois: '2026-07' });
  });

  it('accepte le premier mois du marché', () => {
    spec(salarieDecider)
      .given([...eligible, demarre({ dateDebut: '2025-03-10' })])
      .when(declarer('2025-03', 100))
      .then([declarees('2025-03', 100)]);
  });

  it('refuse le mois qui précède le premier mois du marché, d’après la période lue à la commande', () => {
    spec(salarieDecider)
      .given([...eligible, demarre({ dateDebut: '2025-02-03' })])
      .when(declarer('2025-02', 100))
      .thenFails('MOIS_HORS_PERIODE_MARCHE', { mois: '2025-02', periode: { du: '2025-03-10', au: '2026-04-20' } });
  });

  it('accepte le dernier mois du marché', () => {
    spec(salarieDecider).given(placee()).when(declarer('2026-04', 100)).then([declarees('2026-04', 100)]);
  });

  it('refuse le mois qui suit le dernier mois du marché', () => {
    spec(salarieDecider)
      .given(placee())
      .when(declarer('2026-05', 100))
      .thenFails('MOIS_HORS_PERIODE_MARCHE', { mois: '2026-05', periode: { du: '2025-03-10', au: '2026-04-20' } });
  });

  it('accepte le mois qui suit l’ancienne fin quand un avenant a prolongé le marché', () => {
    spec(salarieDecider)
      .given(placee())
      .when(declarer('2026-05', 100, { marche: marcheVu(avenantDateFin('2026-08-31')) }))
      .then([declarees('2026-05', 100)]);
  });

  it('refuse un mois devenu hors période quand un avenant a avancé la fin du marché', () => {
    const raccourci = marcheVu(avenantDateFin('2026-01-31'));
    spec(salarieDecider).given(placee()).when(declarer('2026-01', 100, { marche: raccourci })).then([declarees('2026-01', 100)]);
    spec(salarieDecider)
      .given(placee())
      .when(declarer('2026-02', 100, { marche: raccourci }))
      .thenFails('MOIS_HORS_PERIODE_MARCHE', { periode: { du: '2025-03-10', au: '2026-01-31' } });
  });

  it('refuse toute déclaration sur un marché clôturé', () => {
    spec(salarieDecider)
      .given(placee())
      .when(declarer('2026-04', 100, { marche: marcheVu(marcheCloture) }))
      .thenFails('MARCHE_CLOTURE', { marcheId: MARCHE_ID, dateCloture: '2026-05-31' });
  });

  it('refuse une seconde déclaration du même mois sur le même placement, en nommant la déclaration existante', () => {
    const erreur = spec(salarieDecider)
      .given(placee(declarees('2026-01', 100)))
      .when(declarer('2026-01', 20, { declarationId: D2 }))
      .thenFails('DECLARATION_EXISTANTE', { declarationId: D1, mois: '2026-01' });
    expect(erreur.kind).toBe('conflit');
  });

  it('refuse une seconde déclaration du même mois même après une correction à 0', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 100), corrigees('2026-01', 100, 0)))
      .when(declarer('2026-01', 20, { declarationId: D2 }))
      .thenFails('DECLARATION_EXISTANTE', { declarationId: D1 });
  });

  it('accepte une déclaration du mois suivant sur le même placement', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 100)))
      .when(declarer('2026-02', 100, { declarationId: D2 }))
      .then([declarees('2026-02', 100, D2)]);
  });

  it('accepte 150 h puis 70 h le même mois sur deux placements de la même personne', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 150)))
      .when(declarer('2026-01', 70, { placementId: P2, declarationId: D2 }))
      .then([declarees('2026-01', 70, D2, P2)]);
  });

  it('refuse 150 h puis 70,01 h le même mois sur deux placements de la même personne', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 150)))
      .when(declarer('2026-01', 70.01, { placementId: P2, declarationId: D2 }))
      .thenFails('HEURES_MAX_MOIS_DEPASSEES', { mois: '2026-01', dejaDeclarees: 150, maximum: 220 });
  });

  it('ne compte pas les heures des autres mois dans le maximum', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2025-12', 220), declarees('2026-02', 220, D3)))
      .when(declarer('2026-01', 220, { placementId: P2, declarationId: D2 }))
      .then([declarees('2026-01', 220, D2, P2)]);
  });

  it('compte la valeur corrigée dans le maximum : 150 corrigées à 100, puis 120 acceptées', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 150), corrigees('2026-01', 150, 100)))
      .when(declarer('2026-01', 120, { placementId: P2, declarationId: D2 }))
      .then([declarees('2026-01', 120, D2, P2)]);
  });

  it('compte la valeur corrigée dans le maximum : 150 corrigées à 100, puis 120,01 refusées', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 150), corrigees('2026-01', 150, 100)))
      .when(declarer('2026-01', 120.01, { placementId: P2, declarationId: D2 }))
      .thenFails('HEURES_MAX_MOIS_DEPASSEES', { dejaDeclarees: 100 });
  });

  it('accepte des heures le mois de la fin d’un placement terminé', () => {
    spec(salarieDecider).given(placee(termine('2026-02-10'))).when(declarer('2026-02', 50)).then([declarees('2026-02', 50)]);
  });

  it('refuse des heures le mois qui suit la fin d’un placement terminé', () => {
    spec(salarieDecider)
      .given(placee(termine('2026-02-10')))
      .when(declarer('2026-03', 50))
      .thenFails('PLACEMENT_TERMINE', { mois: '2026-03', dateFin: '2026-02-10' });
  });
});

describe('correction d’une déclaration', () => {
  it('remplace les heures de la déclaration, avec un motif', () => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(140)).then([corrigees('2026-01', 150, 140)]);
  });

  it('accepte une correction à 0 h', () => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(0)).then([corrigees('2026-01', 150, 0)]);
  });

  it('garde les heures déclarées et la suite des corrections, et remplace le total du mois', () => {
    const state = etat(
      placee(demarreP2, declarees('2026-01', 150), declarees('2026-01', 70, D2, P2), corrigees('2026-01', 150, 100), corrigees('2026-01', 100, 90, D1, P1, 'c2')),
    );
    expect(trouverDeclaration(state, D1)?.declaration).toEqual({
      declarationId: D1,
      mois: '2026-01',
      heures: 90,
      heuresDeclarees: 150,
      corrections: [
        { correctionId: C1, heures: 100, heuresPrecedentes: 150, motif: 'Feuille de temps rectifiée' },
        { correctionId: 'c2', heures: 90, heuresPrecedentes: 100, motif: 'Feuille de temps rectifiée' },
      ],
    });
    expect(state.centiemesParMois).toEqual({ '2026-01': 16000 });
  });

  it('trouve la déclaration sur le second placement de la personne', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 70, D2, P2)))
      .when(corriger(60, { declarationId: D2 }))
      .then([corrigees('2026-01', 70, 60, D2, P2)]);
  });

  it('une seconde correction part de la valeur corrigée', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 150), corrigees('2026-01', 150, 100)))
      .when(corriger(150, { correctionId: 'c2' }))
      .then([corrigees('2026-01', 100, 150, D1, P1, 'c2')]);
  });

  it('refuse une déclaration inconnue, de nature introuvable', () => {
    const erreur = spec(salarieDecider).given(placee()).when(corriger(10)).thenFails('DECLARATION_INTROUVABLE');
    expect(erreur.kind).toBe('introuvable');
  });

  it.each([-1, -0.01, 140.001])('refuse %p heure(s) avec HEURES_INVALIDES', (heures) => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(heures)).thenFails('HEURES_INVALIDES', { champ: 'heures' });
  });

  it('accepte des heures à 2 décimales', () => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(140.25)).then([corrigees('2026-01', 150, 140.25)]);
  });

  it('refuse une correction sans motif avec CHAMP_REQUIS', () => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(140, { motif: '  ' })).thenFails('CHAMP_REQUIS', { champ: 'motif' });
  });

  it('refuse une correction qui redonne les heures actuelles avec CORRECTION_SANS_EFFET', () => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(150)).thenFails('CORRECTION_SANS_EFFET', { heures: 150 });
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 150), corrigees('2026-01', 150, 100)))
      .when(corriger(100))
      .thenFails('CORRECTION_SANS_EFFET', { heures: 100 });
  });

  it('refuse une correction qui ajoute des heures sur un marché clôturé', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 150)))
      .when(corriger(150.01, { marche: marcheVu(marcheCloture) }))
      .thenFails('MARCHE_CLOTURE', { dateCloture: '2026-05-31' });
  });

  it('accepte une correction à la baisse sur un marché clôturé, jusqu’à 0', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 150)))
      .when(corriger(0, { marche: marcheVu(marcheCloture) }))
      .then([corrigees('2026-01', 150, 0)]);
    spec(salarieDecider)
      .given(placee(declarees('2026-01', 150)))
      .when(corriger(149.99, { marche: marcheVu(marcheCloture) }))
      .then([corrigees('2026-01', 150, 149.99)]);
  });

  it('accepte une correction qui porte la personne à 220 h dans le mois, tous placements confondus', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 100), declarees('2026-01', 100, D2, P2)))
      .when(corriger(120))
      .then([corrigees('2026-01', 100, 120)]);
  });

  it('refuse une correction qui porte la personne à 220,01 h dans le mois, tous placements confondus', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-01', 100), declarees('2026-01', 100, D2, P2)))
      .when(corriger(120.01))
      .thenFails('HEURES_MAX_MOIS_DEPASSEES', { mois: '2026-01', dejaDeclarees: 200, maximum: 220 });
  });

  it('refuse une correction au-delà de 220 h sur un seul placement', () => {
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(220)).then([corrigees('2026-01', 150, 220)]);
    spec(salarieDecider).given(placee(declarees('2026-01', 150))).when(corriger(220.01)).thenFails('HEURES_MAX_MOIS_DEPASSEES');
  });

  it('accepte la correction d’un mois compris dans un placement terminé', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-02', 50), termine('2026-02-10')))
      .when(corriger(40))
      .then([corrigees('2026-02', 50, 40)]);
  });

  it('refuse de remettre des heures sur un mois postérieur à la fin du placement', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-03', 50), corrigees('2026-03', 50, 0), termine('2026-02-10')))
      .when(corriger(50, { correctionId: 'c2' }))
      .thenFails('PLACEMENT_TERMINE', { mois: '2026-03', dateFin: '2026-02-10' });
  });
});

describe('fin d’un placement', () => {
  it('termine le placement avec une sortie, son caractère positif et sa catégorie', () => {
    spec(salarieDecider)
      .given(placee())
      .when(terminer('2026-02-10', 'cdi'))
      .then([
        {
          type: 'PlacementTermine',
          data: {
            salarieId: SALARIE_ID,
            placementId: P1,
            marcheId: MARCHE_ID,
            dateFin: '2026-02-10',
            sortie: 'cdi',
            sortiePositive: true,
            categorieSortie: 'emploi_durable',
          },
        },
      ]);
  });

  it('garde la fin dans l’état du placement', () => {
    expect(etat(placee(termine('2026-02-10', 'abandon'))).placements[P1].fin).toEqual({
      dateFin: '2026-02-10',
      sortie: 'abandon',
      sortiePositive: false,
      categorieSortie: 'autre',
    });
  });

  it('refuse un placement inconnu, de nature introuvable', () => {
    const erreur = spec(salarieDecider).given(eligible).when(terminer('2026-02-10')).thenFails('PLACEMENT_INTROUVABLE');
    expect(erreur.kind).toBe('introuvable');
  });

  it('refuse un placement déjà terminé', () => {
    spec(salarieDecider).given(placee(termine('2026-02-10'))).when(terminer('2026-03-10')).thenFails('PLACEMENT_DEJA_TERMINE');
  });

  it('refuse une date de fin qui n’existe pas', () => {
    spec(salarieDecider).given(placee()).when(terminer('2026-02-30')).thenFails('DATE_INVALIDE', { champ: 'dateFin' });
  });

  it('refuse une sortie hors de la liste', () => {
    spec(salarieDecider)
      .given(placee())
      .when(terminer('2026-02-10', 'cdd' as Sortie))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'sortie', valeur: 'cdd' });
  });

  it('accepte une fin le jour du début et refuse la veille', () => {
    spec(salarieDecider).given(placee()).when(terminer('2025-06-16')).then([termine('2025-06-16')]);
    spec(salarieDecider)
      .given(placee())
      .when(terminer('2025-06-15'))
      .thenFails('DATE_FIN_AVANT_DEBUT', { dateDebut: '2025-06-16', dateFin: '2025-06-15' });
  });

  it('accepte une fin aujourd’hui et refuse demain avec DATE_FUTURE', () => {
    spec(salarieDecider).given(placee()).when(terminer('2026-06-15')).then([termine('2026-06-15')]);
    spec(salarieDecider).given(placee()).when(terminer('2026-06-16')).thenFails('DATE_FUTURE', { dateFin: '2026-06-16' });
  });

  it('accepte une fin dans le mois de la dernière déclaration', () => {
    spec(salarieDecider).given(placee(declarees('2026-03', 50))).when(terminer('2026-03-01')).then([termine('2026-03-01')]);
  });

  it('refuse une fin avant un mois qui porte des heures, avec DECLARATIONS_APRES_FIN', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-02', 50), declarees('2026-03', 50, D2), declarees('2026-04', 20, D3)))
      .when(terminer('2026-02-28'))
      .thenFails('DECLARATIONS_APRES_FIN', { mois: ['2026-03', '2026-04'] });
  });

  it('accepte la même fin une fois les heures après la fin corrigées à 0', () => {
    spec(salarieDecider)
      .given(placee(declarees('2026-03', 50), corrigees('2026-03', 50, 0)))
      .when(terminer('2026-02-28'))
      .then([termine('2026-02-28')]);
  });

  it('ne regarde que les déclarations du placement terminé', () => {
    spec(salarieDecider)
      .given(placee(demarreP2, declarees('2026-03', 50, D2, P2)))
      .when(terminer('2026-02-28'))
      .then([termine('2026-02-28')]);
  });
});

describe('classification des sorties', () => {
  const attendu: Array<[Sortie, boolean, CategorieSortie]> = [
    ['cdi', true, 'emploi_durable'],
    ['cdd_6_mois_et_plus', true, 'emploi_durable'],
    ['interim_6_mois_et_plus', true, 'emploi_durable'],
    ['creation_entreprise', true, 'emploi_durable'],
    ['contrat_aide_6_mois_et_plus', true, 'emploi_transition'],
    ['cdd_moins_6_mois', false, 'emploi_transition'],
    ['interim_moins_6_mois', false, 'emploi_transition'],
    ['formation_qualifiante', true, 'sortie_positive_formation'],
    ['embauche_siae', false, 'sortie_positive_formation'],
    ['abandon', false, 'autre'],
    ['demenagement', false, 'autre'],
    ['sans_solution', false, 'autre'],
    ['autre', false, 'autre'],
  ];

  it('classe chacune des 13 sorties de l’API', () => {
    expect(attendu.map(([sortie]) => sortie).sort()).toEqual([...SORTIES].sort());
  });

  it.each(attendu)('%s : sortie positive %p, catégorie %s', (sortie, positive, categorie) => {
    expect(estSortiePositive(sortie)).toBe(positive);
    expect(categorieDeSortie(sortie)).toBe(categorie);
  });

  it.each(attendu)('la fin d’un placement par %s porte sortiePositive %p et categorieSortie %s', (sortie, sortiePositive, categorieSortie) => {
    spec(salarieDecider)
      .given(placee())
      .when(terminer('2026-02-10', sortie))
      .then((events) => expect(events[0].data).toMatchObject({ sortie, sortiePositive, categorieSortie }));
  });
});

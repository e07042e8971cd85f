import { fold } from '../decider';
import { spec } from '../given-when-then.testing';
import {
  marcheDecider,
  statutMarche,
  type AttribuerMarche,
  type CloturerMarche,
  type ConclureAvenant,
  type EnregistrerMarche,
  type MarcheCommand,
  type MarcheEnregistreState,
} from './marche.decider';
import type {
  AvenantConclu,
  BaseJuridique,
  MarcheAttribue,
  MarcheCloture,
  MarcheEnregistre,
  MarcheEvent,
  RoleAttributaire,
  Secteur,
  SousSecteur,
} from './marche.events';
import type { TypeEntreprise } from '../entreprise/entreprise.events';

const NOW = new Date('2026-06-15T10:00:00Z');
const MARCHE_ID = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c01';
const DONNEUR_ORDRE_ID = '0b5c3f0e-1d1a-4c53-9a77-6d1f4a6c2b01';
const OPERATION_ID = '5e0f9a52-8b0c-4f55-8a1e-2f3c4d5e6f01';
const TITULAIRE = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e01';
const COTRAITANT = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02';

// Commands
const enregistrer = (champs: Partial<EnregistrerMarche> = {}): EnregistrerMarche => ({
  type: 'EnregistrerMarche',
  marcheId: MARCHE_ID,
  donneurOrdreId: DONNEUR_ORDRE_ID,
  operationId: OPERATION_ID,
  numero: '2025-017 lot 3',
  objet: 'Gros œuvre de la maison de santé',
  secteur: 'btp',
  sousSecteur: 'batiment',
  baseJuridique: 'L2112-2',
  heuresPrevues: 3425,
  dateDebut: '2025-03-10',
  dateFin: '2026-04-20',
  donneurOrdreExiste: true,
  operation: { donneurOrdreId: DONNEUR_ORDRE_ID },
  ...champs,
});
const attribuer = (entrepriseId = TITULAIRE, role: RoleAttributaire = 'titulaire', champs: Partial<AttribuerMarche> = {}): AttribuerMarche => ({
  type: 'AttribuerMarche',
  entrepriseId,
  role,
  entreprise: { raisonSociale: 'Bâtiments de Bourgogne', type: 'classique' },
  ...champs,
});
const conclureAvenant = (champs: Omit<ConclureAvenant, 'type' | 'motif'> & { motif?: string }): ConclureAvenant => ({
  type: 'ConclureAvenant',
  motif: 'Travaux supplémentaires',
  ...champs,
});
const cloturer = (date: string): CloturerMarche => ({ type: 'CloturerMarche', date, now: NOW });

// Past events
const enregistre = (champs: Partial<MarcheEnregistre['data']> = {}): MarcheEnregistre => ({
  type: 'MarcheEnregistre',
  data: {
    marcheId: MARCHE_ID,
    donneurOrdreId: DONNEUR_ORDRE_ID,
    operationId: OPERATION_ID,
    numero: '2025-017 lot 3',
    objet: 'Gros œuvre de la maison de santé',
    secteur: 'btp',
    sousSecteur: 'batiment',
    baseJuridique: 'L2112-2',
    heuresPrevues: 3425,
    dateDebut: '2025-03-10',
    dateFin: '2026-04-20',
    ...champs,
  },
});
const attribue = (entrepriseId = TITULAIRE, role: RoleAttributaire = 'titulaire'): MarcheAttribue => ({
  type: 'MarcheAttribue',
  data: { marcheId: MARCHE_ID, entrepriseId, role },
});
const avenant = (champs: Omit<AvenantConclu['data'], 'marcheId'>): AvenantConclu => ({
  type: 'AvenantConclu',
  data: { marcheId: MARCHE_ID, ...champs },
});
const cloture = (date = '2026-05-31'): MarcheCloture => ({ type: 'MarcheCloture', data: { marcheId: MARCHE_ID, date } });
const suiviDemarre: MarcheEvent = { type: 'SuiviRegionalDemarre', data: { marcheId: MARCHE_ID } };
const suiviArrete: MarcheEvent = { type: 'SuiviRegionalArrete', data: { marcheId: MARCHE_ID } };

const etat = (...events: MarcheEvent[]) => fold(marcheDecider, events) as MarcheEnregistreState;

describe('enregistrement d’un marché', () => {
  it('enregistre le marché avec ses heures prévues et sa période', () => {
    spec(marcheDecider).given([]).when(enregistrer()).then([enregistre()]);
  });

  it('un marché enregistré est notifié, sans attributaire ni suivi régional', () => {
    const state = etat(enregistre());
    expect(statutMarche(state)).toBe('notifie');
    expect(state).toMatchObject({ heuresPrevues: 3425, heuresPrevuesInitiales: 3425, attributaires: [], suiviRegional: false, dateCloture: null });
  });

  it('refuse un second enregistrement sous le même identifiant', () => {
    spec(marcheDecider).given([enregistre()]).when(enregistrer()).thenFails('MARCHE_DEJA_ENREGISTRE');
  });

  it("refuse un donneur d'ordre inconnu", () => {
    spec(marcheDecider).given([]).when(enregistrer({ donneurOrdreExiste: false })).thenFails('DONNEUR_ORDRE_INCONNU', { donneurOrdreId: DONNEUR_ORDRE_ID });
  });

  it('refuse une opération inconnue', () => {
    spec(marcheDecider).given([]).when(enregistrer({ operation: null })).thenFails('OPERATION_INCONNUE', { operationId: OPERATION_ID });
  });

  it("refuse une opération d'un autre donneur d'ordre", () => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ operation: { donneurOrdreId: 'un-autre-donneur-ordre' } }))
      .thenFails('OPERATION_D_UN_AUTRE_DONNEUR_ORDRE', { operationId: OPERATION_ID, donneurOrdreId: DONNEUR_ORDRE_ID });
  });

  it('accepte 0,01 heure prévue et des heures à 2 décimales', () => {
    spec(marcheDecider).given([]).when(enregistrer({ heuresPrevues: 0.01 })).then([enregistre({ heuresPrevues: 0.01 })]);
    spec(marcheDecider).given([]).when(enregistrer({ heuresPrevues: 3425.25 })).then([enregistre({ heuresPrevues: 3425.25 })]);
  });

  it.each([0, -10, 3425.255, 10_000_000.01, 1e17])('refuse %p heure(s) prévue(s) avec HEURES_INVALIDES', (heuresPrevues) => {
    spec(marcheDecider).given([]).when(enregistrer({ heuresPrevues })).thenFails('HEURES_INVALIDES', { champ: 'heuresPrevues' });
  });

  it('accepte 10 000 000 heures prévues, le plus grand volume que les projections savent sommer', () => {
    spec(marcheDecider).given([]).when(enregistrer({ heuresPrevues: 10_000_000 })).then([enregistre({ heuresPrevues: 10_000_000 })]);
  });

  it('refuse une date de début qui n’existe pas', () => {
    spec(marcheDecider).given([]).when(enregistrer({ dateDebut: '2023-02-29' })).thenFails('DATE_INVALIDE', { champ: 'dateDebut' });
  });

  it('refuse une date de fin qui n’existe pas', () => {
    spec(marcheDecider).given([]).when(enregistrer({ dateFin: '2026-04-31' })).thenFails('DATE_INVALIDE', { champ: 'dateFin' });
  });

  it('accepte une période d’un seul jour', () => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ dateDebut: '2024-02-29', dateFin: '2024-02-29' }))
      .then([enregistre({ dateDebut: '2024-02-29', dateFin: '2024-02-29' })]);
  });

  it('refuse une date de fin la veille de la date de début', () => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ dateDebut: '2025-03-10', dateFin: '2025-03-09' }))
      .thenFails('PERIODE_INVALIDE', { dateDebut: '2025-03-10', dateFin: '2025-03-09' });
  });

  it('refuse un numéro vide et un objet vide avec CHAMP_REQUIS', () => {
    spec(marcheDecider).given([]).when(enregistrer({ numero: ' ' })).thenFails('CHAMP_REQUIS', { champ: 'numero' });
    spec(marcheDecider).given([]).when(enregistrer({ objet: '' })).thenFails('CHAMP_REQUIS', { champ: 'objet' });
  });

  it('accepte un numéro de 100 caractères et refuse 101', () => {
    spec(marcheDecider).given([]).when(enregistrer({ numero: 'n'.repeat(100) })).then([enregistre({ numero: 'n'.repeat(100) })]);
    spec(marcheDecider).given([]).when(enregistrer({ numero: 'n'.repeat(101) })).thenFails('TEXTE_TROP_LONG', { champ: 'numero', max: 100 });
  });

  it.each(['services', 'prestations_intellectuelles'] as const)('accepte le secteur %s, sans sous-secteur (null)', (secteur) => {
    spec(marcheDecider).given([]).when(enregistrer({ secteur, sousSecteur: undefined })).then([enregistre({ secteur, sousSecteur: null })]);
    spec(marcheDecider).given([]).when(enregistrer({ secteur, sousSecteur: null })).then([enregistre({ secteur, sousSecteur: null })]);
  });

  it.each(['batiment', 'travaux_publics'] as const)('accepte le secteur btp avec le sous-secteur %s', (sousSecteur) => {
    spec(marcheDecider).given([]).when(enregistrer({ secteur: 'btp', sousSecteur })).then([enregistre({ secteur: 'btp', sousSecteur })]);
  });

  it('un marché btp sans sous-secteur est refusé : SOUS_SECTEUR_REQUIS', () => {
    spec(marcheDecider).given([]).when(enregistrer({ secteur: 'btp', sousSecteur: undefined })).thenFails('SOUS_SECTEUR_REQUIS', { champ: 'sousSecteur' });
    spec(marcheDecider).given([]).when(enregistrer({ secteur: 'btp', sousSecteur: null })).thenFails('SOUS_SECTEUR_REQUIS', { champ: 'sousSecteur' });
  });

  it('un sous-secteur hors de la liste est refusé', () => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ secteur: 'btp', sousSecteur: 'genie_civil' as SousSecteur }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'sousSecteur', valeur: 'genie_civil' });
  });

  it.each(['services', 'prestations_intellectuelles'] as const)('un sous-secteur sur un marché %s est refusé : SOUS_SECTEUR_HORS_BTP', (secteur) => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ secteur, sousSecteur: 'travaux_publics' }))
      .thenFails('SOUS_SECTEUR_HORS_BTP', { champ: 'sousSecteur', secteur, sousSecteur: 'travaux_publics' });
  });

  it('le sous-secteur est dans l’état ; un événement enregistré avant qu’il existe (sans le champ) se lit null', () => {
    expect(etat(enregistre({ sousSecteur: 'travaux_publics' })).sousSecteur).toBe('travaux_publics');
    const { sousSecteur: _absent, ...ancien } = enregistre().data;
    const state = etat({ type: 'MarcheEnregistre', data: ancien });
    expect(state.sousSecteur).toBeNull();
    expect(state.secteur).toBe('btp');
    // Such a marché still takes the commands that follow its registration.
    spec(marcheDecider).given([{ type: 'MarcheEnregistre', data: ancien }]).when(attribuer()).then([attribue()]);
  });

  it('refuse un secteur hors de la liste', () => {
    spec(marcheDecider).given([]).when(enregistrer({ secteur: 'industrie' as Secteur })).thenFails('VALEUR_NON_AUTORISEE', { champ: 'secteur' });
  });

  it.each(['L2112-2', 'L2152-7', 'L2113-12', 'L2113-13', 'marche_insertion'] as const)('accepte la base juridique %s', (baseJuridique) => {
    spec(marcheDecider).given([]).when(enregistrer({ baseJuridique })).then([enregistre({ baseJuridique })]);
  });

  it('refuse une base juridique hors de la liste', () => {
    spec(marcheDecider)
      .given([])
      .when(enregistrer({ baseJuridique: 'L2112-2-1' as BaseJuridique }))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'baseJuridique', valeur: 'L2112-2-1' });
  });
});

describe('marché inconnu', () => {
  it.each<[string, MarcheCommand]>([
    ['une attribution', attribuer()],
    ['un avenant', conclureAvenant({ heuresPrevues: 4000 })],
    ['un changement de suivi régional', { type: 'ChangerSuiviRegional', suivi: true }],
    ['une clôture', cloturer('2026-05-31')],
  ])('refuse %s avec MARCHE_INTROUVABLE, de nature introuvable', (_cas, commande) => {
    const erreur = spec(marcheDecider).given([]).when(commande).thenFails('MARCHE_INTROUVABLE');
    expect(erreur.kind).toBe('introuvable');
  });
});

describe('attribution', () => {
  it('attribue le marché à un titulaire, qui le passe en cours', () => {
    spec(marcheDecider).given([enregistre()]).when(attribuer()).then([attribue()]);
    expect(statutMarche(etat(enregistre(), attribue()))).toBe('en_cours');
  });

  it('ajoute un cotraitant et un soustraitant après le titulaire', () => {
    spec(marcheDecider).given([enregistre(), attribue()]).when(attribuer(COTRAITANT, 'cotraitant')).then([attribue(COTRAITANT, 'cotraitant')]);
    spec(marcheDecider).given([enregistre(), attribue()]).when(attribuer(COTRAITANT, 'soustraitant')).then([attribue(COTRAITANT, 'soustraitant')]);
    expect(etat(enregistre(), attribue(), attribue(COTRAITANT, 'cotraitant')).attributaires).toEqual([
      { entrepriseId: TITULAIRE, role: 'titulaire' },
      { entrepriseId: COTRAITANT, role: 'cotraitant' },
    ]);
  });

  it('refuse un rôle hors de la liste', () => {
    spec(marcheDecider)
      .given([enregistre()])
      .when(attribuer(TITULAIRE, 'mandataire' as RoleAttributaire))
      .thenFails('VALEUR_NON_AUTORISEE', { champ: 'role', valeur: 'mandataire' });
  });

  it('refuse une entreprise inconnue', () => {
    spec(marcheDecider).given([enregistre()]).when(attribuer(TITULAIRE, 'titulaire', { entreprise: null })).thenFails('ENTREPRISE_INCONNUE', { entrepriseId: TITULAIRE });
  });

  it('refuse une entreprise déjà attributaire, même dans un autre rôle', () => {
    spec(marcheDecider)
      .given([enregistre(), attribue()])
      .when(attribuer(TITULAIRE, 'cotraitant'))
      .thenFails('ENTREPRISE_DEJA_ATTRIBUTAIRE', { entrepriseId: TITULAIRE, role: 'titulaire' });
  });

  it('refuse un second titulaire', () => {
    spec(marcheDecider).given([enregistre(), attribue()]).when(attribuer(COTRAITANT, 'titulaire')).thenFails('TITULAIRE_DEJA_DESIGNE');
  });

  it('refuse une attribution sur un marché clôturé', () => {
    spec(marcheDecider)
      .given([enregistre(), attribue(), cloture('2026-05-31')])
      .when(attribuer(COTRAITANT, 'cotraitant'))
      .thenFails('MARCHE_CLOTURE', { dateCloture: '2026-05-31' });
  });
});

describe('marché réservé', () => {
  const parType = (type: TypeEntreprise) => ({ entreprise: { raisonSociale: `Structure ${type}`, type } });
  const TOUS: TypeEntreprise[] = ['classique', 'ei', 'ai', 'aci', 'etti', 'geiq', 'esat', 'ea'];
  const reserves: Array<[BaseJuridique, TypeEntreprise[]]> = [
    ['L2113-12', ['esat', 'ea']],
    ['L2113-13', ['ei', 'ai', 'aci', 'etti']],
    ['marche_insertion', ['ei', 'ai', 'aci', 'etti']],
  ];
  const cas = (role: RoleAttributaire) =>
    reserves.flatMap(([base, autorises]) => TOUS.map((type) => [base, type, autorises.includes(type), role] as const));

  it.each([...cas('titulaire'), ...cas('soustraitant')])('%s, entreprise %s : attribution acceptée %s (rôle %s)', (baseJuridique, type, acceptee, role) => {
    const given = [enregistre({ baseJuridique }), ...(role === 'titulaire' ? [] : [attribue(COTRAITANT, 'titulaire')])];
    const quand = spec(marcheDecider).given(given).when(attribuer(TITULAIRE, role, parType(type)));
    if (acceptee) quand.then([attribue(TITULAIRE, role)]);
    else quand.thenFails('MARCHE_RESERVE', { baseJuridique, entrepriseId: TITULAIRE, type });
  });

  it('dit dans le message quelles structures sont admises', () => {
    const erreur = spec(marcheDecider).given([enregistre({ baseJuridique: 'L2113-12' })]).when(attribuer(TITULAIRE, 'cotraitant', parType('ei'))).thenFails('MARCHE_RESERVE');
    expect(erreur.message).toContain('ESAT');
    expect(erreur.message).toContain('EA');
    expect(erreur.details).toMatchObject({ typesAutorises: ['ea', 'esat'] });
  });

  it.each<BaseJuridique>(['L2112-2', 'L2152-7'])('un marché %s s’attribue à toute entreprise', (baseJuridique) => {
    for (const type of TOUS) {
      spec(marcheDecider).given([enregistre({ baseJuridique })]).when(attribuer(TITULAIRE, 'titulaire', parType(type))).then([attribue()]);
    }
  });
});

describe('avenant', () => {
  it('accepte une dateFin avancée avant des mois déjà déclarés : leurs heures, déclarées sous les termes d’alors, restent comptées', () => {
    spec(marcheDecider)
      .given([enregistre(), attribue()])
      .when(conclureAvenant({ dateFin: '2025-06-30' }))
      .then([avenant({ dateFin: '2025-06-30', motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' })]);
  });

  it('modifie les heures prévues seules', () => {
    spec(marcheDecider)
      .given([enregistre()])
      .when(conclureAvenant({ heuresPrevues: 4000 }))
      .then([avenant({ heuresPrevues: 4000, motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' })]);
  });

  it('modifie la date de fin seule', () => {
    spec(marcheDecider)
      .given([enregistre()])
      .when(conclureAvenant({ dateFin: '2026-08-31' }))
      .then([avenant({ dateFin: '2026-08-31', motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' })]);
  });

  it('modifie les heures prévues et la date de fin ensemble', () => {
    spec(marcheDecider)
      .given([enregistre()])
      .when(conclureAvenant({ heuresPrevues: 4000, dateFin: '2026-08-31' }))
      .then([
        avenant({ heuresPrevues: 4000, dateFin: '2026-08-31', motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' }),
      ]);
  });

  it('ne retient que ce qui change : des heures inchangées ne figurent pas dans l’avenant', () => {
    spec(marcheDecider)
      .given([enregistre()])
      .when(conclureAvenant({ heuresPrevues: 3425, dateFin: '2026-08-31' }))
      .then([avenant({ dateFin: '2026-08-31', motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' })]);
  });

  it("l'état porte les heures prévues et la date de fin après avenants, et garde les heures initiales", () => {
    const state = etat(
      enregistre(),
      avenant({ heuresPrevues: 4000, motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' }),
      avenant({ dateFin: '2026-08-31', motif: 'Retard de chantier', heuresPrevuesAvant: 4000, dateFinAvant: '2026-04-20' }),
    );
    expect(state).toMatchObject({ heuresPrevues: 4000, heuresPrevuesInitiales: 3425, dateFin: '2026-08-31' });
    expect(state.avenants).toEqual([
      { heuresPrevues: 4000, dateFin: undefined, motif: 'Travaux supplémentaires' },
      { heuresPrevues: undefined, dateFin: '2026-08-31', motif: 'Retard de chantier' },
    ]);
  });

  it('un second avenant part des valeurs du premier', () => {
    spec(marcheDecider)
      .given([enregistre(), avenant({ heuresPrevues: 4000, motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' })])
      .when(conclureAvenant({ dateFin: '2026-08-31', motif: 'Retard de chantier' }))
      .then([avenant({ dateFin: '2026-08-31', motif: 'Retard de chantier', heuresPrevuesAvant: 4000, dateFinAvant: '2026-04-20' })]);
  });

  it('refuse un avenant qui ne modifie rien avec AVENANT_VIDE', () => {
    spec(marcheDecider).given([enregistre()]).when(conclureAvenant({})).thenFails('AVENANT_VIDE');
  });

  it('refuse un avenant qui redonne les valeurs actuelles avec AVENANT_SANS_EFFET', () => {
    spec(marcheDecider).given([enregistre()]).when(conclureAvenant({ heuresPrevues: 3425, dateFin: '2026-04-20' })).thenFails('AVENANT_SANS_EFFET');
  });

  it('refuse un avenant sans motif avec CHAMP_REQUIS', () => {
    spec(marcheDecider).given([enregistre()]).when(conclureAvenant({ heuresPrevues: 4000, motif: '  ' })).thenFails('CHAMP_REQUIS', { champ: 'motif' });
  });

  it.each([0, -1, 4000.001, 1e17])('refuse %p heure(s) prévue(s) avec HEURES_INVALIDES', (heuresPrevues) => {
    spec(marcheDecider).given([enregistre()]).when(conclureAvenant({ heuresPrevues })).thenFails('HEURES_INVALIDES', { champ: 'heuresPrevues' });
  });

  it('refuse une date de fin qui n’existe pas', () => {
    spec(marcheDecider).given([enregistre()]).when(conclureAvenant({ dateFin: '2027-02-29' })).thenFails('DATE_INVALIDE', { champ: 'dateFin' });
  });

  it('accepte une nouvelle date de fin égale à la date de début et refuse la veille', () => {
    spec(marcheDecider)
      .given([enregistre()])
      .when(conclureAvenant({ dateFin: '2025-03-10' }))
      .then([avenant({ dateFin: '2025-03-10', motif: 'Travaux supplémentaires', heuresPrevuesAvant: 3425, dateFinAvant: '2026-04-20' })]);
    spec(marcheDecider)
      .given([enregistre()])
      .when(conclureAvenant({ dateFin: '2025-03-09' }))
      .thenFails('PERIODE_INVALIDE', { dateDebut: '2025-03-10', dateFin: '2025-03-09' });
  });

  it('refuse un avenant sur un marché clôturé', () => {
    spec(marcheDecider).given([enregistre(), cloture()]).when(conclureAvenant({ heuresPrevues: 4000 })).thenFails('MARCHE_CLOTURE');
  });
});

describe('suivi régional', () => {
  it('démarre le suivi régional', () => {
    spec(marcheDecider).given([enregistre()]).when({ type: 'ChangerSuiviRegional', suivi: true }).then([suiviDemarre]);
    expect(etat(enregistre(), suiviDemarre).suiviRegional).toBe(true);
  });

  it('arrête le suivi régional', () => {
    spec(marcheDecider).given([enregistre(), suiviDemarre]).when({ type: 'ChangerSuiviRegional', suivi: false }).then([suiviArrete]);
    expect(etat(enregistre(), suiviDemarre, suiviArrete).suiviRegional).toBe(false);
  });

  it('ne produit rien quand le suivi est déjà dans l’état demandé', () => {
    spec(marcheDecider).given([enregistre()]).when({ type: 'ChangerSuiviRegional', suivi: false }).then([]);
    spec(marcheDecider).given([enregistre(), suiviDemarre]).when({ type: 'ChangerSuiviRegional', suivi: true }).then([]);
  });
});

describe('clôture', () => {
  it('clôture le marché à une date passée, qui le passe au statut clôturé', () => {
    spec(marcheDecider).given([enregistre(), attribue()]).when(cloturer('2026-05-31')).then([cloture('2026-05-31')]);
    const state = etat(enregistre(), attribue(), cloture('2026-05-31'));
    expect(statutMarche(state)).toBe('cloture');
    expect(state.dateCloture).toBe('2026-05-31');
  });

  it("accepte la date du jour et refuse le lendemain avec DATE_FUTURE", () => {
    spec(marcheDecider).given([enregistre()]).when(cloturer('2026-06-15')).then([cloture('2026-06-15')]);
    spec(marcheDecider).given([enregistre()]).when(cloturer('2026-06-16')).thenFails('DATE_FUTURE', { date: '2026-06-16' });
  });

  it('accepte la date de début du marché et refuse la veille avec DATE_CLOTURE_INVALIDE', () => {
    spec(marcheDecider).given([enregistre()]).when(cloturer('2025-03-10')).then([cloture('2025-03-10')]);
    spec(marcheDecider).given([enregistre()]).when(cloturer('2025-03-09')).thenFails('DATE_CLOTURE_INVALIDE', { dateDebut: '2025-03-10', date: '2025-03-09' });
  });

  it('refuse une date qui n’existe pas', () => {
    spec(marcheDecider).given([enregistre()]).when(cloturer('2026-02-29')).thenFails('DATE_INVALIDE', { champ: 'date' });
  });

  it('refuse de clôturer deux fois', () => {
    spec(marcheDecider).given([enregistre(), cloture()]).when(cloturer('2026-06-01')).thenFails('MARCHE_DEJA_CLOTURE');
  });

  it('accepte une clôture datée avant des mois déjà déclarés : le marché ne voit pas les déclarations, la conformité rapporte leurs heures à part', () => {
    // Hours declared up to 2026-05 in the salariés' streams: the closing of 2026-01-15 is accepted as dated.
    spec(marcheDecider).given([enregistre(), attribue()]).when(cloturer('2026-01-15')).then([cloture('2026-01-15')]);
  });
});

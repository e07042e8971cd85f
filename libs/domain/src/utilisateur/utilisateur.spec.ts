import { spec } from '../given-when-then.testing';
import { normaliserIdentifiant, utilisateurDecider, verifierMotDePasse, type CreerUtilisateur } from './utilisateur.decider';
import type { UtilisateurCree, UtilisateurDesactive } from './utilisateur.events';

const ID = '5a1d2e3f-4a5b-5c6d-8e7f-0a1b2c3d4e01';
const DONNEUR_ORDRE_ID = '7b1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e02';

const creer = (champs: Partial<CreerUtilisateur> = {}): CreerUtilisateur => ({
  type: 'CreerUtilisateur',
  utilisateurId: ID,
  identifiant: 'claire.martin',
  role: 'facilitatrice',
  donneurOrdreId: null,
  donneurOrdreExiste: false,
  empreinteMotDePasse: 'scrypt$32768$8$3$c2Vs$aGFzaA==',
  ...champs,
});

const cree = (champs: Partial<UtilisateurCree['data']> = {}): UtilisateurCree => ({
  type: 'UtilisateurCree',
  data: { utilisateurId: ID, identifiant: 'claire.martin', role: 'facilitatrice', donneurOrdreId: null, empreinteMotDePasse: 'scrypt$32768$8$3$c2Vs$aGFzaA==', ...champs },
});
const desactive: UtilisateurDesactive = { type: 'UtilisateurDesactive', data: { utilisateurId: ID } };

describe('création d’un utilisateur', () => {
  it('crée une facilitatrice, sans donneur d’ordre', () => {
    spec(utilisateurDecider).given([]).when(creer()).then([cree()]);
  });

  it('met l’identifiant en minuscules, sans les espaces autour', () => {
    spec(utilisateurDecider).given([]).when(creer({ identifiant: '  Claire.Martin ' })).then([cree()]);
  });

  it.each(['ab', 'a'.repeat(65), 'claire martin', 'clairé', '-claire', ''])('refuse l’identifiant %p', (identifiant) => {
    spec(utilisateurDecider).given([]).when(creer({ identifiant })).thenFails('IDENTIFIANT_INVALIDE');
  });

  it('accepte un identifiant de 3 et de 64 caractères', () => {
    spec(utilisateurDecider).given([]).when(creer({ identifiant: 'abc' })).then((events) => expect(events).toHaveLength(1));
    spec(utilisateurDecider).given([]).when(creer({ identifiant: 'a'.repeat(64) })).then((events) => expect(events).toHaveLength(1));
  });

  it('refuse un identifiant déjà pris (409)', () => {
    const error = spec(utilisateurDecider).given([cree()]).when(creer()).thenFails('IDENTIFIANT_DEJA_UTILISE');
    expect(error.kind).toBe('conflit');
  });

  it('refuse un rôle hors liste', () => {
    spec(utilisateurDecider).given([]).when(creer({ role: 'directeur' as never })).thenFails('VALEUR_NON_AUTORISEE');
  });

  it('rattache un acheteur à un donneur d’ordre enregistré', () => {
    spec(utilisateurDecider)
      .given([])
      .when(creer({ role: 'acheteur', donneurOrdreId: DONNEUR_ORDRE_ID, donneurOrdreExiste: true }))
      .then([cree({ role: 'acheteur', donneurOrdreId: DONNEUR_ORDRE_ID })]);
  });

  it('refuse un acheteur sans donneur d’ordre, ou avec un donneur d’ordre inconnu', () => {
    spec(utilisateurDecider).given([]).when(creer({ role: 'acheteur' })).thenFails('DONNEUR_ORDRE_REQUIS');
    spec(utilisateurDecider).given([]).when(creer({ role: 'acheteur', donneurOrdreId: DONNEUR_ORDRE_ID })).thenFails('DONNEUR_ORDRE_INCONNU');
  });

  it.each(['facilitatrice', 'coordination', 'auditeur', 'admin'] as const)('refuse un donneur d’ordre pour le rôle %s', (role) => {
    spec(utilisateurDecider).given([]).when(creer({ role, donneurOrdreId: DONNEUR_ORDRE_ID, donneurOrdreExiste: true })).thenFails('DONNEUR_ORDRE_REFUSE');
  });
});

describe('vie d’un utilisateur', () => {
  it('change le rôle, et rien quand il est déjà le même', () => {
    spec(utilisateurDecider)
      .given([cree()])
      .when({ type: 'ModifierRoleUtilisateur', par: 'admin', role: 'auditeur', donneurOrdreId: null, donneurOrdreExiste: false })
      .then([{ type: 'RoleUtilisateurModifie', data: { utilisateurId: ID, role: 'auditeur', donneurOrdreId: null } }]);
    spec(utilisateurDecider).given([cree()]).when({ type: 'ModifierRoleUtilisateur', par: 'admin', role: 'facilitatrice', donneurOrdreId: null, donneurOrdreExiste: false }).then([]);
  });

  it('un acheteur changé de rôle garde les règles de rattachement', () => {
    spec(utilisateurDecider).given([cree()]).when({ type: 'ModifierRoleUtilisateur', par: 'admin', role: 'acheteur', donneurOrdreId: null, donneurOrdreExiste: false }).thenFails('DONNEUR_ORDRE_REQUIS');
  });

  it('désactive puis réactive, et chaque fois une seule fois', () => {
    spec(utilisateurDecider).given([cree()]).when({ type: 'DesactiverUtilisateur', par: 'admin' }).then([desactive]);
    spec(utilisateurDecider).given([cree(), desactive]).when({ type: 'DesactiverUtilisateur', par: 'admin' }).then([]);
    spec(utilisateurDecider).given([cree(), desactive]).when({ type: 'ReactiverUtilisateur' }).then([{ type: 'UtilisateurReactive', data: { utilisateurId: ID } }]);
    spec(utilisateurDecider).given([cree()]).when({ type: 'ReactiverUtilisateur' }).then([]);
  });

  it('refuse de désactiver son propre compte ou d’en changer le rôle', () => {
    spec(utilisateurDecider).given([cree({ role: 'admin' })]).when({ type: 'DesactiverUtilisateur', par: ID }).thenFails('PROPRE_COMPTE');
    spec(utilisateurDecider)
      .given([cree({ role: 'admin' })])
      .when({ type: 'ModifierRoleUtilisateur', par: ID, role: 'auditeur', donneurOrdreId: null, donneurOrdreExiste: false })
      .thenFails('PROPRE_COMPTE');
  });

  it('remplace l’empreinte du mot de passe', () => {
    spec(utilisateurDecider)
      .given([cree()])
      .when({ type: 'ModifierMotDePasseUtilisateur', empreinteMotDePasse: 'scrypt$autre' })
      .then([{ type: 'MotDePasseUtilisateurModifie', data: { utilisateurId: ID, empreinteMotDePasse: 'scrypt$autre' } }]);
  });

  it('refuse de changer un utilisateur inconnu (404)', () => {
    const error = spec(utilisateurDecider).given([]).when({ type: 'DesactiverUtilisateur', par: 'admin' }).thenFails('UTILISATEUR_INTROUVABLE');
    expect(error.kind).toBe('introuvable');
  });
});

describe('mot de passe', () => {
  it('accepte 12 caractères, refuse 11', () => {
    expect(verifierMotDePasse('a'.repeat(12))).toBe('a'.repeat(12));
    expect(() => verifierMotDePasse('a'.repeat(11))).toThrow(expect.objectContaining({ code: 'MOT_DE_PASSE_TROP_FAIBLE' }));
  });

  it('compte les caractères, pas les unités UTF-16 (un emoji compte un)', () => {
    expect(() => verifierMotDePasse('🔒'.repeat(11))).toThrow(expect.objectContaining({ code: 'MOT_DE_PASSE_TROP_FAIBLE' }));
  });

  it('refuse plus de 200 caractères', () => {
    expect(() => verifierMotDePasse('a'.repeat(201))).toThrow(expect.objectContaining({ code: 'MOT_DE_PASSE_TROP_FAIBLE' }));
  });
});

describe('identifiant', () => {
  it('est comparé en minuscules', () => {
    expect(normaliserIdentifiant('Claire.Martin@Dijon.fr')).toBe('claire.martin@dijon.fr');
  });
});

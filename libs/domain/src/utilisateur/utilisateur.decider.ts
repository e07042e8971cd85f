import type { Decider } from '../decider';
import { DomainError, notFound, rule } from '../domain-error';
import { longueurDe, valeurParmi } from '../values/texte';
import { ROLES, type Role, type UtilisateurEvent } from './utilisateur.events';

export const utilisateurStream = (id: string) => `utilisateur-${id}`;

export const MOT_DE_PASSE_LONGUEUR_MIN = 12;
export const MOT_DE_PASSE_LONGUEUR_MAX = 200;

/** Lower-case letters, digits and `.`, `_`, `-`, `@`: what fits an e-mail address or a login name. */
const IDENTIFIANT = /^[a-z0-9][a-z0-9._@-]{2,63}$/;

/** The identifiant as stored and compared: trimmed and lower-cased ("Claire.Martin" signs in as "claire.martin"). */
export function normaliserIdentifiant(value: unknown): string {
  const identifiant = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!IDENTIFIANT.test(identifiant)) {
    throw new DomainError(
      'IDENTIFIANT_INVALIDE',
      "L'identifiant doit compter de 3 à 64 caractères : lettres sans accent, chiffres, point, tiret, tiret bas ou @ (par exemple claire.martin).",
      { champ: 'identifiant' },
    );
  }
  return identifiant;
}

/** A password long enough to resist guessing; checked before hashing, so the decider only sees hashes. */
export function verifierMotDePasse(value: unknown): string {
  const motDePasse = typeof value === 'string' ? value : '';
  const longueur = longueurDe(motDePasse);
  rule(
    longueur >= MOT_DE_PASSE_LONGUEUR_MIN && longueur <= MOT_DE_PASSE_LONGUEUR_MAX,
    'MOT_DE_PASSE_TROP_FAIBLE',
    `Le mot de passe doit compter de ${MOT_DE_PASSE_LONGUEUR_MIN} à ${MOT_DE_PASSE_LONGUEUR_MAX} caractères : une phrase de plusieurs mots convient bien.`,
    { champ: 'motDePasse' },
  );
  return motDePasse;
}

export type CreerUtilisateur = {
  type: 'CreerUtilisateur';
  utilisateurId: string;
  identifiant: string;
  role: Role;
  donneurOrdreId: string | null;
  /** Whether the acheteur's donneur d'ordre is recorded (the handler reads its stream). */
  donneurOrdreExiste: boolean;
  empreinteMotDePasse: string;
};
/**
 * `par`: who asks (their user id). Nobody disables or changes the role of their own account, so
 * an admin cannot lock themselves out, and the last active admin stays one.
 */
export type ModifierRoleUtilisateur = {
  type: 'ModifierRoleUtilisateur';
  par: string;
  role: Role;
  donneurOrdreId: string | null;
  donneurOrdreExiste: boolean;
};
export type ModifierMotDePasseUtilisateur = { type: 'ModifierMotDePasseUtilisateur'; empreinteMotDePasse: string };
export type DesactiverUtilisateur = { type: 'DesactiverUtilisateur'; par: string };
export type ReactiverUtilisateur = { type: 'ReactiverUtilisateur' };

export type UtilisateurCommand = CreerUtilisateur | ModifierRoleUtilisateur | ModifierMotDePasseUtilisateur | DesactiverUtilisateur | ReactiverUtilisateur;

export type UtilisateurState =
  | { existe: false }
  | {
      existe: true;
      utilisateurId: string;
      identifiant: string;
      role: Role;
      donneurOrdreId: string | null;
      empreinteMotDePasse: string;
      actif: boolean;
    };

/** An acheteur names their donneur d'ordre, and nobody else names one. */
function rattachement(role: Role, donneurOrdreId: string | null, donneurOrdreExiste: boolean): string | null {
  const valide = valeurParmi(role, ROLES, 'role');
  if (valide !== 'acheteur') {
    rule(donneurOrdreId === null, 'DONNEUR_ORDRE_REFUSE', "Seul un acheteur est rattaché à un donneur d'ordre : retirez donneurOrdreId.", {
      champ: 'donneurOrdreId',
    });
    return null;
  }
  rule(donneurOrdreId !== null, 'DONNEUR_ORDRE_REQUIS', "Un acheteur est rattaché à un donneur d'ordre : renseignez donneurOrdreId.", {
    champ: 'donneurOrdreId',
  });
  rule(donneurOrdreExiste, 'DONNEUR_ORDRE_INCONNU', 'Aucun donneur d’ordre ne porte cet identifiant : enregistrez-le d’abord ou corrigez donneurOrdreId.', {
    donneurOrdreId,
  });
  return donneurOrdreId;
}

function pasSurSoi(utilisateur: { utilisateurId: string }, par: string, action: string): void {
  rule(utilisateur.utilisateurId !== par, 'PROPRE_COMPTE', `Vous ne pouvez pas ${action} : demandez-le à un autre administrateur.`);
}

function existant(state: UtilisateurState): Extract<UtilisateurState, { existe: true }> {
  if (!state.existe) notFound('UTILISATEUR_INTROUVABLE', "Aucun utilisateur n'a cet identifiant.");
  return state;
}

export const utilisateurDecider: Decider<UtilisateurCommand, UtilisateurEvent, UtilisateurState> = {
  initialState: { existe: false },

  evolve(state, event) {
    switch (event.type) {
      case 'UtilisateurCree':
        return { existe: true, ...event.data, actif: true };
      case 'RoleUtilisateurModifie':
        return state.existe ? { ...state, role: event.data.role, donneurOrdreId: event.data.donneurOrdreId } : state;
      case 'MotDePasseUtilisateurModifie':
        return state.existe ? { ...state, empreinteMotDePasse: event.data.empreinteMotDePasse } : state;
      case 'UtilisateurDesactive':
        return state.existe ? { ...state, actif: false } : state;
      case 'UtilisateurReactive':
        return state.existe ? { ...state, actif: true } : state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreerUtilisateur': {
        if (state.existe) {
          throw new DomainError('IDENTIFIANT_DEJA_UTILISE', `L'identifiant ${state.identifiant} est déjà pris : choisissez-en un autre.`, { champ: 'identifiant' }, 'conflit');
        }
        const donneurOrdreId = rattachement(command.role, command.donneurOrdreId, command.donneurOrdreExiste);
        return [
          {
            type: 'UtilisateurCree',
            data: {
              utilisateurId: command.utilisateurId,
              identifiant: normaliserIdentifiant(command.identifiant),
              role: command.role,
              donneurOrdreId,
              empreinteMotDePasse: command.empreinteMotDePasse,
            },
          },
        ];
      }
      case 'ModifierRoleUtilisateur': {
        const utilisateur = existant(state);
        pasSurSoi(utilisateur, command.par, 'changer le rôle de votre propre compte');
        const donneurOrdreId = rattachement(command.role, command.donneurOrdreId, command.donneurOrdreExiste);
        if (utilisateur.role === command.role && utilisateur.donneurOrdreId === donneurOrdreId) return [];
        return [{ type: 'RoleUtilisateurModifie', data: { utilisateurId: utilisateur.utilisateurId, role: command.role, donneurOrdreId } }];
      }
      case 'ModifierMotDePasseUtilisateur': {
        const utilisateur = existant(state);
        return [{ type: 'MotDePasseUtilisateurModifie', data: { utilisateurId: utilisateur.utilisateurId, empreinteMotDePasse: command.empreinteMotDePasse } }];
      }
      case 'DesactiverUtilisateur': {
        const utilisateur = existant(state);
        pasSurSoi(utilisateur, command.par, 'désactiver votre propre compte');
        return utilisateur.actif ? [{ type: 'UtilisateurDesactive', data: { utilisateurId: utilisateur.utilisateurId } }] : [];
      }
      case 'ReactiverUtilisateur': {
        const utilisateur = existant(state);
        return utilisateur.actif ? [] : [{ type: 'UtilisateurReactive', data: { utilisateurId: utilisateur.utilisateurId } }];
      }
    }
  },
};

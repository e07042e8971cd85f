import type { DomainEvent } from '../decider';

export const ROLES = ['facilitatrice', 'acheteur', 'coordination', 'auditeur', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A person who may sign in. The password is kept as a slow salted hash (never the password);
 * an acheteur is bound to one donneur d'ordre, every other role to none.
 */
export type UtilisateurCree = DomainEvent<
  'UtilisateurCree',
  { utilisateurId: string; identifiant: string; role: Role; donneurOrdreId: string | null; empreinteMotDePasse: string }
>;

/** The user's role (and, for an acheteur, donneur d'ordre) changes from now on. */
export type RoleUtilisateurModifie = DomainEvent<'RoleUtilisateurModifie', { utilisateurId: string; role: Role; donneurOrdreId: string | null }>;

/** A new password replaces the previous one. */
export type MotDePasseUtilisateurModifie = DomainEvent<'MotDePasseUtilisateurModifie', { utilisateurId: string; empreinteMotDePasse: string }>;

/** The user may no longer sign in, and the tokens already given stop working. */
export type UtilisateurDesactive = DomainEvent<'UtilisateurDesactive', { utilisateurId: string }>;

/** A disabled user may sign in again. */
export type UtilisateurReactive = DomainEvent<'UtilisateurReactive', { utilisateurId: string }>;

export type UtilisateurEvent = UtilisateurCree | RoleUtilisateurModifie | MotDePasseUtilisateurModifie | UtilisateurDesactive | UtilisateurReactive;

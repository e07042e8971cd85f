import { CommandExecutor, uuidV5, type CommandContext, type ExecutionResult } from '@suivi/commands';
import {
  donneurOrdreDecider,
  donneurOrdreStream,
  normaliserIdentifiant,
  utilisateurDecider,
  utilisateurStream,
  verifierMotDePasse,
  type Role,
  type UtilisateurCommand,
  type UtilisateurEvent,
  type UtilisateurState,
} from '@suivi/domain';
import { decoyHash, hashPassword, verifyPassword } from './password-hash';

export type Utilisateur = Extract<UtilisateurState, { existe: true }>;

export interface NouvelUtilisateur {
  identifiant: string;
  role: Role;
  motDePasse: string;
  donneurOrdreId?: string | null;
}

/** What a sign-in attempt comes to: a user, a wrong pair, or a disabled account (right password). */
export type Authentification = { ok: true; utilisateur: Utilisateur } | { ok: false; raison: 'identifiants_invalides' | 'desactive' };

/**
 * A user's id is derived from their identifiant: two creations of the same identifiant write the
 * same stream, and the decider refuses the second (no separate uniqueness guard needed).
 */
export function utilisateurIdDe(identifiant: string): string {
  return uuidV5(`utilisateur|${normaliserIdentifiant(identifiant)}`);
}

/**
 * Users, read and changed through their own streams (never through a read model): a disabled
 * user or a changed role takes effect on the very next request. Used by the api and the CLI.
 */
export class UserDirectory {
  constructor(private readonly executor: CommandExecutor) {}

  async creer(nouvel: NouvelUtilisateur, context: CommandContext): Promise<ExecutionResult<UtilisateurState, UtilisateurEvent> & { utilisateurId: string }> {
    const utilisateurId = utilisateurIdDe(nouvel.identifiant);
    const empreinteMotDePasse = await hashPassword(verifierMotDePasse(nouvel.motDePasse));
    const donneurOrdreId = nouvel.donneurOrdreId?.toLowerCase() ?? null;
    const result = await this.executor.execute({
      streamId: utilisateurStream(utilisateurId),
      decider: utilisateurDecider,
      context,
      command: async () => ({
        type: 'CreerUtilisateur' as const,
        utilisateurId,
        identifiant: nouvel.identifiant,
        role: nouvel.role,
        donneurOrdreId,
        donneurOrdreExiste: await this.donneurOrdreExiste(donneurOrdreId),
        empreinteMotDePasse,
      }),
    });
    return { ...result, utilisateurId };
  }

  async modifierRole(utilisateurId: string, role: Role, donneurOrdreId: string | null, context: CommandContext) {
    const id = donneurOrdreId?.toLowerCase() ?? null;
    return this.changer(utilisateurId, context, async () => ({
      type: 'ModifierRoleUtilisateur',
      par: context.userId,
      role,
      donneurOrdreId: id,
      donneurOrdreExiste: await this.donneurOrdreExiste(id),
    }));
  }

  async modifierMotDePasse(utilisateurId: string, motDePasse: string, context: CommandContext) {
    const empreinteMotDePasse = await hashPassword(verifierMotDePasse(motDePasse));
    return this.changer(utilisateurId, context, () => ({ type: 'ModifierMotDePasseUtilisateur', empreinteMotDePasse }));
  }

  desactiver(utilisateurId: string, context: CommandContext) {
    return this.changer(utilisateurId, context, () => ({ type: 'DesactiverUtilisateur', par: context.userId }));
  }

  reactiver(utilisateurId: string, context: CommandContext) {
    return this.changer(utilisateurId, context, () => ({ type: 'ReactiverUtilisateur' }));
  }

  /** The user as their stream says now, or null. */
  async lire(utilisateurId: string): Promise<(Utilisateur & { revision: number }) | null> {
    const loaded = await this.executor.load(utilisateurDecider, utilisateurStream(utilisateurId));
    return loaded.state.existe ? { ...loaded.state, revision: loaded.revision ?? 0 } : null;
  }

  async authentifier(identifiant: string, motDePasse: string): Promise<Authentification> {
    let utilisateur: Utilisateur | null = null;
    try {
      utilisateur = await this.lire(utilisateurIdDe(identifiant));
    } catch {
      // A malformed identifiant names nobody.
    }
    const valide = await verifyPassword(motDePasse, utilisateur?.empreinteMotDePasse ?? (await decoyHash()));
    if (!utilisateur || !valide) return { ok: false, raison: 'identifiants_invalides' };
    return utilisateur.actif ? { ok: true, utilisateur } : { ok: false, raison: 'desactive' };
  }

  private changer(utilisateurId: string, context: CommandContext, command: () => UtilisateurCommand | Promise<UtilisateurCommand>) {
    return this.executor.execute({ streamId: utilisateurStream(utilisateurId), decider: utilisateurDecider, context, command: () => command() });
  }

  private async donneurOrdreExiste(donneurOrdreId: string | null): Promise<boolean> {
    if (donneurOrdreId === null) return false;
    return (await this.executor.load(donneurOrdreDecider, donneurOrdreStream(donneurOrdreId))).state.existe;
  }
}

import type { RecordedEvent } from '@suivi/event-store';
import type { UtilisateurEvent } from '@suivi/domain';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { SCHEMA_UTILISATEURS, UtilisateurLu } from './utilisateurs.entities';

/**
 * Who can sign in, with their role, state and who changed them last. Never the password hash:
 * sign-in reads the user's own stream, this table only serves lists.
 */
export class UtilisateursProjection implements Projection {
  readonly name = 'utilisateurs';
  readonly schema = SCHEMA_UTILISATEURS;
  readonly entities = [UtilisateurLu];

  concerne(recorded: RecordedEvent): boolean {
    return recorded.streamId.startsWith('utilisateur-');
  }

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const recorded of events) {
      if (!this.concerne(recorded)) continue;
      const event = { type: recorded.type, data: recorded.data } as UtilisateurEvent;
      const quand = recorded.metadata.recordedAt;
      const qui = recorded.metadata.userId;
      // Unqualified: the runtime's search_path says which generation (live or rebuild) is written.
      switch (event.type) {
        case 'UtilisateurCree':
          await tx.query(
            `INSERT INTO utilisateurs (id, identifiant, role, donneur_ordre_id, actif, cree_le, cree_par, modifie_le, modifie_par, revision)
             VALUES ($1, $2, $3, $4, true, $5, $6, $5, $6, $7)`,
            [event.data.utilisateurId, event.data.identifiant, event.data.role, event.data.donneurOrdreId, quand, qui, recorded.revision],
          );
          break;
        case 'RoleUtilisateurModifie':
          await this.changer(tx, recorded, 'role = $5, donneur_ordre_id = $6', [event.data.role, event.data.donneurOrdreId]);
          break;
        case 'UtilisateurDesactive':
          await this.changer(tx, recorded, 'actif = false', []);
          break;
        case 'UtilisateurReactive':
          await this.changer(tx, recorded, 'actif = true', []);
          break;
        case 'MotDePasseUtilisateurModifie':
          await this.changer(tx, recorded, null, []);
          break;
      }
    }
  }

  /** `set` uses $5 onwards for `values`; every change records when, by whom, and the stream revision. */
  private async changer(tx: EntityManager, recorded: RecordedEvent, set: string | null, values: unknown[]): Promise<void> {
    await tx.query(
      `UPDATE utilisateurs SET ${set ? `${set}, ` : ''}modifie_le = $2, modifie_par = $3, revision = $4 WHERE id = $1`,
      [recorded.streamId.slice('utilisateur-'.length), recorded.metadata.recordedAt, recorded.metadata.userId, recorded.revision, ...values],
    );
  }
}

import type { DataSource } from 'typeorm';
import type { EventStore } from '@suivi/event-store';
import { attendrePosition } from '@suivi/projections';

/**
 * Whether nobody can administer the service yet (no active admin), once the users' read model
 * has caught up with the log; null when it could not tell in time (projectors elsewhere, lag).
 */
export async function sansAdministrateur(store: EventStore, dataSource: DataSource, timeoutMs = 10_000): Promise<boolean | null> {
  const head = await store.headPosition();
  if (!(await attendrePosition('utilisateurs', head, dataSource, timeoutMs)).atteinte) return null;
  const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM utilisateurs.utilisateurs WHERE role = 'admin' AND actif`);
  return n === 0;
}

export const COMMENT_CREER_UN_ADMINISTRATEUR =
  'no active admin yet: create the first one with `npm run cli -- users:create --identifiant admin --role admin --mot-de-passe -` ' +
  '(type the password, at least 12 characters, then Ctrl-D), then sign in with POST /api/auth/connexion {"identifiant","motDePasse"} ' +
  'and send `Authorization: Bearer <jeton>` with every request';

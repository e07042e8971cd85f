import type { EventStore } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection';
import { readCheckpoints, readCheckpointStates, type ProjectionError } from './checkpoints';
import { PROJECTION_LOCK_HELD_SQL } from './projection-lock';

export interface ProjectionStatus {
  name: string;
  position: number;
  head: number;
  /**
   * Distance to the head of the log: a number of events on PostgreSQL, whose positions are
   * contiguous; on EventStoreDB, positions are log offsets and this is only zero or not.
   */
  lag: number;
  /** Whether some process currently runs it. */
  running: boolean;
  /** The event it is stopped at (it applied everything before), or null when it runs normally. */
  error: ProjectionError | null;
}

export async function projectionStatuses(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
): Promise<ProjectionStatus[]> {
  const [head, checkpoints] = await Promise.all([store.headPosition(), readCheckpointStates(dataSource.manager)]);
  return Promise.all(
    projections.map(async (p) => {
      const { position, error } = checkpoints.get(p.name) ?? { position: 0, error: null };
      const [{ held }] = await dataSource.query(PROJECTION_LOCK_HELD_SQL, [p.name]);
      return { name: p.name, position, head, lag: Math.max(0, head - position), running: held, error };
    }),
  );
}

/** The position a projection's tables reflect, and its distance to the head of the log (see `lag`). */
export async function fraicheurDe(name: string, store: EventStore, dataSource: DataSource): Promise<{ position: number; retard: number }> {
  const [head, checkpoints] = await Promise.all([store.headPosition(), readCheckpoints(dataSource.manager)]);
  const position = checkpoints.get(name) ?? 0;
  return { position, retard: Math.max(0, head - position) };
}

/** Reached; or not, after the timeout or at once when the projection is stopped before it (`erreur`). */
export type AttentePosition = { atteinte: true } | { atteinte: false; erreur: ProjectionError | null };

/**
 * Waits (polling the checkpoint) until a projection has applied `position`. A projection stopped
 * at an event up to that position will not get there by waiting: that answer comes at once.
 */
export async function attendrePosition(name: string, position: number, dataSource: DataSource, timeoutMs: number): Promise<AttentePosition> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await readCheckpointStates(dataSource.manager)).get(name);
    if ((state?.position ?? 0) >= position) return { atteinte: true };
    if (state?.error && state.error.position <= position) return { atteinte: false, erreur: state.error };
    if (Date.now() >= deadline) return { atteinte: false, erreur: null };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

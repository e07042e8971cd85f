import type { EventStore } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection';
import { readCheckpoints } from './checkpoints';
import { PROJECTION_LOCK_HELD_SQL } from './projection-lock';

export interface ProjectionStatus {
  name: string;
  position: number;
  head: number;
  /** Events behind the head of the log (positions are contiguous on PostgreSQL). */
  lag: number;
  /** Whether some process currently runs it. */
  running: boolean;
}

export async function projectionStatuses(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
): Promise<ProjectionStatus[]> {
  const [head, checkpoints] = await Promise.all([store.headPosition(), readCheckpoints(dataSource.manager)]);
  return Promise.all(
    projections.map(async (p) => {
      const position = checkpoints.get(p.name) ?? 0;
      const [{ held }] = await dataSource.query(PROJECTION_LOCK_HELD_SQL, [p.name]);
      return { name: p.name, position, head, lag: Math.max(0, head - position), running: held };
    }),
  );
}

import type { EventStore } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection';
import { readCheckpoints, resetCheckpoint } from './checkpoints';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner';

export interface RebuildProgress {
  position: number;
  target: number;
}

export interface RebuildResult {
  events: number;
  seconds: number;
  /** Whether this process replayed (false: another process holding the projection did). */
  replayedHere: boolean;
}

/**
 * Drops the projection's data and replays it from position 0 up to the head of the log as
 * it was when the rebuild began. The reset (tables emptied, checkpoint to 0, new generation)
 * is one transaction; the replay is done by whichever process runs the projection: this one
 * if no other does, otherwise the running one, which notices the new generation and restarts.
 */
export async function rebuildProjection(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  connectionString: string,
  options: ProjectionRunnerOptions & { onProgress?: (p: RebuildProgress) => void; pollMs?: number },
): Promise<RebuildResult> {
  const started = Date.now();
  await dataSource.transaction(async (tx) => {
    await resetCheckpoint(tx, projection.name);
    await projection.reset(tx);
  });
  const target = await store.headPosition();
  const runner = new ProjectionRunner(projection, store, dataSource, connectionString, options);
  runner.start();
  let replayedHere = false;
  try {
    for (;;) {
      replayedHere ||= runner.active;
      const position = (await readCheckpoints(dataSource.manager)).get(projection.name) ?? 0;
      options.onProgress?.({ position, target });
      if (position >= target) break;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
    }
  } finally {
    await runner.stop();
  }
  return { events: target, seconds: (Date.now() - started) / 1000, replayedHere };
}

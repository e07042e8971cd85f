import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@suivi/event-store';
import { rebuildProjection, type Projection } from '@suivi/projections';

export interface ReplayRun {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/** Baseline: reading the whole log in the projection's batch size, applying nothing. */
export async function readWholeLog(store: EventStore, batchSize: number): Promise<ReplayRun> {
  const started = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) break;
    events += batch.length;
    after = batch[batch.length - 1].position;
  }
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds };
}

/** The real rebuild path (shadow schema, one transaction per batch, switch), as `projections:rebuild` runs it. */
export async function rebuild(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  const result = await rebuildProjection(projection, store, dataSource, databaseUrl, { batchSize });
  return { events: result.events, seconds: result.seconds, eventsPerSecond: result.events / result.seconds };
}

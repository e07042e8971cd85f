import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore, StreamAppend } from '@suivi/event-store';
import { rebuildProjection, rebuildProjections, type Projection } from '@suivi/projections';
import { DEFAULT_SEED, genererPlan } from '../seed-demo/plan';
import { DecidedLog } from './scale/decided-log';

export interface ReplayRun {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Highest resident set size of the bench process sampled during the run, in MiB (0 when not sampled). */
  peakRssMiB: number;
}

/** Baseline: reading the whole log in the projection's batch size, applying nothing. */
export async function readWholeLog(store: EventStore, batchSize: number): Promise<ReplayRun> {
  return sampled(async () => {
    let after = 0;
    let events = 0;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: batchSize });
      if (batch.length === 0) break;
      events += batch.length;
      after = batch[batch.length - 1].position;
    }
    return events;
  });
}

/**
 * The floor of any replay: the rows of `event_store.events` read in position order, by keyset pages of the
 * projection's batch size, with no decoding into events (pg still parses the jsonb columns).
 */
export async function readRawLog(pool: Pool, batchSize: number): Promise<ReplayRun> {
  return sampled(async () => {
    let after = 0;
    let events = 0;
    for (;;) {
      const { rows } = await pool.query<{ position: string }>(
        `SELECT position, stream_id, type, data, metadata FROM event_store.events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) break;
      events += rows.length;
      after = Number(rows[rows.length - 1].position);
    }
    return events;
  });
}

/** The real rebuild path (shadow schema, one transaction per batch, switch), as `projections:rebuild` runs it. */
export async function rebuild(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  return rebuildOneAfterTheOther([projection], store, dataSource, databaseUrl, batchSize);
}

/** Rebuilds the projections in one pass over the log, as `projections:rebuild` without a name does; events = the log's length. */
export async function rebuildAll(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  return sampled(async () => (await rebuildProjections(projections, store, dataSource, databaseUrl, { batchSize })).events);
}

/** Rebuilds the projections one after the other, each reading the whole log; events = the log's length. */
export async function rebuildOneAfterTheOther(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  databaseUrl: string,
  batchSize: number,
): Promise<ReplayRun> {
  return sampled(async () => {
    let events = 0;
    for (const projection of projections) {
      events = (await rebuildProjection(projection, store, dataSource, databaseUrl, { batchSize })).events;
    }
    return events;
  });
}

/** Times `run` (which answers how many events it went through) and samples the process's RSS meanwhile. */
async function sampled(run: () => Promise<number>): Promise<ReplayRun> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const events = await run();
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMiB: peak / 1024 ** 2 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Appends demo years to the log: the `seed:demo` plans of seeds `DEFAULT_SEED + first` onwards, run through the
 * real deciders in memory (as its plan check does) and appended straight to the store, in plan order. The
 * bench's own events are synthetic; these are the domain events the indicators really replay (registrations,
 * placements, a declaration per person and month, corrections, endings, avenants). Answers the events appended.
 */
export async function appendDemoYears(store: EventStore, first: number, years: number): Promise<number> {
  let appended = 0;
  for (let year = first; year < first + years; year++) {
    let chunk: StreamAppend[] = [];
    const flush = async () => {
      if (chunk.length > 0) await store.appendToStreams(chunk);
      chunk = [];
    };
    for (const streamEvents of demoYear(DEFAULT_SEED + year)) {
      // One append per chunk of distinct streams: a stream seen again starts the next chunk, so the log keeps the plan's order.
      if (chunk.length >= 500 || chunk.some((a) => a.streamId === streamEvents.streamId)) await flush();
      chunk.push(streamEvents);
      appended += streamEvents.events.length;
    }
    await flush();
  }
  return appended;
}

/**
 * One demo year's events, command after command, each as the stream appends its handler would make:
 * the plan through the real deciders in memory, by the scale bench's DecidedLog (the same rules,
 * ids and locators as the command side). A refusal is a defect of the plan: the bench stops.
 */
function* demoYear(seed: number): Generator<StreamAppend> {
  const log = new DecidedLog(`bench-replay|${seed}`);
  for (const phase of genererPlan(seed).phases) {
    for (const chain of phase.chains) {
      for (const command of chain) {
        if (!log.apply(command)) {
          const refus = log.refus[log.refus.length - 1];
          throw new Error(`demo year of seed ${seed}: ${refus.key} refused (${refus.code}: ${refus.message})`);
        }
        yield* log.flush();
      }
    }
  }
}

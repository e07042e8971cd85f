import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { EventStore, EventToAppend } from '@suivi/event-store';

export interface AppendRun {
  events: number;
  appends: number;
  seconds: number;
  eventsPerSecond: number;
  appendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Appends one batch for one writer; each writer keeps its own state (its streams). */
type AppendBatch = (writer: number, events: EventToAppend[]) => Promise<void>;

/**
 * Runs `writers` concurrent loops that pull batches from one shared count until `events`
 * are written, so the total is the same whatever the concurrency.
 */
export async function runAppends(events: number, batch: number, writers: number, append: AppendBatch): Promise<AppendRun> {
  let remaining = events;
  const latencies: number[] = [];
  const writer = async (w: number) => {
    while (remaining > 0) {
      const n = Math.min(batch, remaining);
      remaining -= n; // synchronous: no other writer can take the same events
      const batchEvents = makeEvents(n);
      const t0 = performance.now();
      await append(w, batchEvents);
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    events,
    appends: latencies.length,
    seconds,
    eventsPerSecond: events / seconds,
    appendsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** Streams are rolled over at this length so the log looks like many aggregates, not 4 huge ones. */
const STREAM_LENGTH = 1_000;
const STREAM_TYPES = ['salarie', 'marche', 'entreprise', 'operation'];

/** Our store: each writer owns its streams and tracks their revision, as a command handler would. */
export function storeAppender(store: EventStore): AppendBatch {
  const streams = new Map<number, { id: string; revision: number | null; count: number; index: number }>();
  return async (writer, events) => {
    let stream = streams.get(writer);
    if (!stream || stream.count >= STREAM_LENGTH) {
      const index = (stream?.index ?? -1) + 1;
      stream = { id: `${STREAM_TYPES[(writer + index) % STREAM_TYPES.length]}-${randomUUID()}`, revision: null, count: 0, index };
      streams.set(writer, stream);
    }
    const result = await store.appendToStream(stream.id, events, stream.revision ?? 'no_stream');
    stream.revision = result.nextRevision;
    stream.count += events.length;
  };
}

export const BASELINE_SCHEMA_SQL = [
  'CREATE SCHEMA IF NOT EXISTS bench',
  `CREATE TABLE bench.bench_baseline (
     id       bigserial PRIMARY KEY,
     event_id uuid  NOT NULL,
     type     text  NOT NULL,
     data     jsonb NOT NULL,
     metadata jsonb NOT NULL
   )`,
];

/**
 * Baseline: the same rows, sent the same way (one unnest INSERT per batch), as one
 * autocommit statement: no advisory lock, no revision or idempotency reads, no extra index.
 */
export function baselineAppender(pool: Pool): AppendBatch {
  return async (_writer, events) => {
    await pool.query(
      `INSERT INTO bench.bench_baseline (event_id, type, data, metadata)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[])`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data ?? null)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    );
  };
}

/** Realistic size and shape: an HeuresDeclarees-like payload (~240 bytes of data, ~150 of metadata). */
function makeEvents(n: number): EventToAppend[] {
  const occurredAt = new Date().toISOString();
  const correlationId = randomUUID();
  return Array.from({ length: n }, () => ({
    eventId: randomUUID(),
    type: 'HeuresDeclarees',
    data: {
      salarieId: randomUUID(),
      placementId: randomUUID(),
      marcheId: randomUUID(),
      declarationId: randomUUID(),
      mois: '2025-03',
      heures: 151.67,
    },
    metadata: { schemaVersion: 1, occurredAt, userId: 'bench-user', correlationId, causationId: null },
  }));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

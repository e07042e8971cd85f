import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@suivi/event-store';
import { rebuildProjection, rebuildProjections, type Projection } from '@suivi/projections';
import { RssSampler } from './memory';

export const PROJECTION_SEULE = 'coordination-regionale';

export interface Rate {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

export interface RebuildBench {
  /** Raw sequential read of event_store.events (keyset pages, nothing applied): the baseline. */
  rawRead: Rate;
  /** Every projection rebuilt in one pass over the log, as `projections:rebuild` does; `perProjection`: each rebuilt alone before. */
  all: Rate & { perProjection: Array<Rate & { name: string }> };
  /** coordination-regionale alone (its rebuild in the sequence above: nothing else runs meanwhile). */
  single: Rate & { name: string };
  /** Peak RSS of this process during the rebuilds (MB). */
  peakRssMb: number;
}

/** Baseline, each projection's rebuild, then all of them in one pass, each after a CHECKPOINT; the raw read runs twice (the first warms the cache). */
export async function benchRebuild(
  databaseUrl: string,
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  batchSize: number,
  progress: (message: string) => void,
): Promise<RebuildBench> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1, application_name: 'suivi-bench-scale-read' });
  pool.on('error', () => undefined);
  try {
    await rawRead(pool, batchSize);
    await checkpoint(pool);
    const raw = await rawRead(pool, batchSize);
    progress(`  lecture brute : ${raw.events} événements en ${raw.seconds.toFixed(2)} s (${Math.round(raw.eventsPerSecond)} év/s)`);

    const sampler = new RssSampler().start();
    const perProjection: Array<Rate & { name: string }> = [];
    for (const projection of projections) {
      await checkpoint(pool);
      const r = await rebuildProjection(projection, store, dataSource, databaseUrl, { batchSize });
      perProjection.push({ name: projection.name, ...rate(r.events, r.seconds) });
      progress(`  reconstruction ${projection.name} : ${r.events} événements en ${r.seconds.toFixed(2)} s (${Math.round(r.events / r.seconds)} év/s)`);
    }
    // Each projection above was already rebuilt alone (one after the other): its own figure is coordination-regionale's.
    const seul = perProjection.find((p) => p.name === PROJECTION_SEULE);
    if (!seul) throw new Error(`projection ${PROJECTION_SEULE} not found`);
    const single = seul;
    await checkpoint(pool);
    const ensemble = await rebuildProjections(projections, store, dataSource, databaseUrl, { batchSize });
    progress(`  reconstruction de toutes en une passe : ${ensemble.events} événements en ${ensemble.seconds.toFixed(2)} s (${Math.round(ensemble.events / ensemble.seconds)} év/s)`);
    const peakRssMb = sampler.stop();
    return { rawRead: raw, all: { ...rate(ensemble.events, ensemble.seconds), perProjection }, single, peakRssMb };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

async function rawRead(pool: Pool, batchSize: number): Promise<Rate> {
  const started = performance.now();
  let after = 0;
  let events = 0;
  for (;;) {
    const { rows } = await pool.query<{ position: string }>('SELECT * FROM event_store.events WHERE position > $1 ORDER BY position LIMIT $2', [after, batchSize]);
    if (rows.length === 0) break;
    events += rows.length;
    after = Number(rows[rows.length - 1].position);
  }
  return rate(events, (performance.now() - started) / 1000);
}

/** So that no step pays for the previous one's dirty pages (needs superuser or pg_checkpoint; skipped otherwise). */
async function checkpoint(pool: Pool): Promise<void> {
  await pool.query('CHECKPOINT').catch(() => undefined);
}

function rate(events: number, seconds: number): Rate {
  return { events, seconds, eventsPerSecond: events / Math.max(seconds, 1e-9) };
}

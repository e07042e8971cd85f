import { cpus, totalmem } from 'node:os';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Command } from 'commander';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { validateConfig } from '@suivi/config';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, type Projection } from '@suivi/projections';
import { CliModule } from './cli.module';
import { BASELINE_SCHEMA_SQL, baselineAppender, runAppends, storeAppender, type AppendRun } from './bench/append-bench';
import { openBenchDatabase, serverInfo, type ServerInfo } from './bench/bench-database';
import { positiveInt } from './bench/options';
import { readWholeLog, rebuild, type ReplayRun } from './bench/replay-bench';
import { fixed, formatTable, int, round } from './bench/report';
import { addScaleOptions, benchScale, type ScaleOptions } from './bench/scale/scale-bench';

const REPLAYED_PROJECTION = 'stream-type-counts';

interface BenchOptions extends Omit<ScaleOptions, 'writers'> {
  events: number;
  eventsSingle: number;
  writers: number;
}

interface AppendCase {
  batch: number;
  writers: number;
  ours: AppendRun;
  baseline: AppendRun;
}

export function registerBenchCommand(program: Command): void {
  const command = program
    .command('bench')
    .description('append and replay throughput of the PostgreSQL event store, on a throwaway database')
    .option('--events <n>', 'events per batch-100 run (shared by the writers)', positiveInt, 100_000)
    .option('--events-single <n>', 'events per batch-1 run (shared by the writers)', positiveInt, 10_000)
    .option('--writers <n>', 'concurrent writers (each size is also run with 1 writer)', positiveInt, 4);
  addScaleOptions(command).action((options: BenchOptions) => bench(options));
}

async function bench(options: BenchOptions): Promise<void> {
  if (options.scale) return benchScale({ ...options, scale: options.scale });
  // EVENT_STORE is forced: this bench measures the PostgreSQL adapter whatever the environment says.
  const config = validateConfig({ ...process.env, EVENT_STORE: 'postgres' });
  if (process.env.DATABASE_URL) progress('DATABASE_URL is ignored: the bench never runs on the service database');
  progress(process.env.BENCH_DATABASE_URL ? 'creating a bench database on BENCH_DATABASE_URL' : 'starting a throwaway embedded PostgreSQL');
  const db = await openBenchDatabase();
  const poolSize = Math.max(10, options.writers);
  let app: INestApplicationContext | null = null;
  // A store of its own for the writers: its pool must fit --writers, the app's is fixed at 10.
  const writeStore = new PostgresEventStore({ connectionString: db.url, poolSize });
  const pool = new Pool({ connectionString: db.url, max: poolSize, application_name: 'suivi-bench-baseline' });
  pool.on('error', () => undefined);
  try {
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    const store = app.get<EventStore>(EVENT_STORE);
    const dataSource = app.get(DataSource);
    const projection = app.get<Projection[]>(PROJECTIONS).find((p) => p.name === REPLAYED_PROJECTION);
    if (!projection) throw new Error(`projection ${REPLAYED_PROJECTION} not found`);

    const server = await serverInfo(pool);
    for (const sql of BASELINE_SCHEMA_SQL) await pool.query(sql);

    const ours = storeAppender(writeStore);
    const baseline = baselineAppender(pool);
    const writerCounts = [...new Set([1, options.writers])];
    const cases: AppendCase[] = [];
    for (const batch of [1, 100]) {
      const events = batch === 1 ? options.eventsSingle : options.events;
      for (const writers of writerCounts) {
        // Same order for every case (ours, then baseline) so table growth and cache state hit both alike.
        const oursRun = await measured(`append ours     batch=${batch} writers=${writers}`, pool, async () => {
          await warmUp(writers, () => writeStore.streamRevision('warm-up'));
          return runAppends(events, batch, writers, ours);
        });
        const baselineRun = await measured(`append baseline batch=${batch} writers=${writers}`, pool, async () => {
          await warmUp(writers, () => pool.query('SELECT 1'));
          return runAppends(events, batch, writers, baseline);
        });
        cases.push({ batch, writers, ours: oursRun, baseline: baselineRun });
      }
    }
    await checkLog(pool, cases);

    const batchSize = config.PROJECTION_BATCH_SIZE;
    // Untimed pass first so that neither measured pass is the one that pulls the log into cache.
    await measured('replay warm-up (untimed)', pool, () => readWholeLog(store, 5_000));
    const readAll = await measured(`replay baseline readAll batch=${batchSize}`, pool, () => readWholeLog(store, batchSize));
    const rebuilt = await measured(`replay rebuild ${projection.name} batch=${batchSize}`, pool, () =>
      rebuild(projection, store, dataSource, db.url, batchSize),
    );
    await checkProjection(pool, rebuilt.events);

    report({ options, origin: db.origin, server, cases, batchSize, readAll, rebuilt });
  } finally {
    await app?.close().catch(() => undefined);
    await writeStore.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.close();
  }
}


/** Runs one step with a progress line on stderr, after a CHECKPOINT so no step pays for the previous one's dirty pages. */
async function measured<T extends { seconds: number }>(label: string, pool: Pool, run: () => Promise<T>): Promise<T> {
  // Needs superuser or pg_checkpoint; on a restricted external server the step just runs without it.
  await pool.query('CHECKPOINT').catch(() => undefined);
  process.stderr.write(`  ${label} ... `);
  const result = await run();
  process.stderr.write(`${fixed(result.seconds, 2)} s\n`);
  return result;
}

/** Opens the connections before the clock starts: connection setup is not what is measured. */
async function warmUp(connections: number, query: () => Promise<unknown>): Promise<void> {
  await Promise.all(Array.from({ length: connections }, query));
}

/** The numbers mean nothing if events were lost: the log must hold every event, at contiguous positions. */
async function checkLog(pool: Pool, cases: AppendCase[]): Promise<void> {
  const expected = cases.reduce((sum, c) => sum + c.ours.events, 0);
  const { rows } = await pool.query<{ count: string; head: string | null }>(
    'SELECT count(*) AS count, max(position) AS head FROM event_store.events',
  );
  const { rows: base } = await pool.query<{ count: string }>('SELECT count(*) AS count FROM bench.bench_baseline');
  const count = Number(rows[0].count);
  if (count !== expected || Number(rows[0].head) !== expected || Number(base[0].count) !== expected) {
    throw new Error(
      `log check failed: expected ${expected} events, store has ${count} (head ${rows[0].head}), baseline has ${base[0].count}`,
    );
  }
}

async function checkProjection(pool: Pool, events: number): Promise<void> {
  const { rows } = await pool.query<{ total: string | null }>('SELECT sum(events) AS total FROM stream_type_counts.stream_type_counts');
  if (Number(rows[0].total) !== events) throw new Error(`projection check failed: counted ${rows[0].total} of ${events} events`);
}

function report(r: {
  options: BenchOptions;
  origin: string;
  server: ServerInfo;
  cases: AppendCase[];
  batchSize: number;
  readAll: ReplayRun;
  rebuilt: ReplayRun;
}): void {
  const cpuList = cpus();
  const memGiB = totalmem() / 1024 ** 3;
  const lines = [
    '',
    'suivi-clauses bench: PostgresEventStore appends and projection replay',
    `PostgreSQL ${r.server.version}, ${r.origin}`,
    `  ${r.server.settings}`,
    `machine: ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? '?'}), ${memGiB.toFixed(1)} GiB RAM, ` +
      `${process.platform}/${process.arch}, Node ${process.version}`,
    'NOTE: absolute numbers are noisy on a shared machine; compare the ratios (same run, same server).',
    '',
    'Append: ours = appendToStream (advisory lock + revision and idempotency reads + insert + notify, one transaction);',
    '        baseline = one INSERT of the same rows into bench.bench_baseline (bigserial key, no lock, no checks).',
    formatTable(
      ['batch', 'writers', 'events', 'ours ev/s', 'ours appends/s', 'ours p50/p99 ms', 'base ev/s', 'base appends/s', 'ours/base'],
      r.cases.map((c) => [
        String(c.batch),
        String(c.writers),
        int(c.ours.events),
        int(c.ours.eventsPerSecond),
        int(c.ours.appendsPerSecond),
        `${fixed(c.ours.p50Ms, 1)}/${fixed(c.ours.p99Ms, 1)}`,
        int(c.baseline.eventsPerSecond),
        int(c.baseline.appendsPerSecond),
        fixed(c.ours.eventsPerSecond / c.baseline.eventsPerSecond, 2),
      ]),
    ),
    '',
    `Replay of the whole log (batch ${r.batchSize} = PROJECTION_BATCH_SIZE):`,
    formatTable(
      ['what', 'events', 'seconds', 'events/s', 'vs readAll'],
      [
        [`rebuild ${REPLAYED_PROJECTION}`, int(r.rebuilt.events), fixed(r.rebuilt.seconds, 2), int(r.rebuilt.eventsPerSecond),
          fixed(r.rebuilt.eventsPerSecond / r.readAll.eventsPerSecond, 2)],
        ['readAll only (baseline)', int(r.readAll.events), fixed(r.readAll.seconds, 2), int(r.readAll.eventsPerSecond), '1.00'],
      ],
    ),
    '',
  ];
  console.log(lines.join('\n'));

  const appendJson = (a: AppendRun) => ({
    events: a.events,
    appends: a.appends,
    seconds: round(a.seconds, 3),
    eventsPerSecond: round(a.eventsPerSecond),
    appendsPerSecond: round(a.appendsPerSecond),
    p50Ms: round(a.p50Ms, 2),
    p99Ms: round(a.p99Ms, 2),
  });
  const replayJson = (a: ReplayRun) => ({ events: a.events, seconds: round(a.seconds, 3), eventsPerSecond: round(a.eventsPerSecond) });
  const result = {
    postgres: { version: r.server.version, server: process.env.BENCH_DATABASE_URL ? 'external' : 'embedded' },
    machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model.trim(), totalMemGiB: round(memGiB, 1), node: process.version },
    params: {
      events: r.options.events,
      eventsSingle: r.options.eventsSingle,
      writers: r.options.writers,
      projectionBatchSize: r.batchSize,
    },
    append: r.cases.map((c) => ({
      batch: c.batch,
      writers: c.writers,
      ours: appendJson(c.ours),
      baseline: appendJson(c.baseline),
      ratio: round(c.ours.eventsPerSecond / c.baseline.eventsPerSecond, 3),
    })),
    replay: {
      projection: REPLAYED_PROJECTION,
      batchSize: r.batchSize,
      rebuild: replayJson(r.rebuilt),
      readAll: replayJson(r.readAll),
      ratio: round(r.rebuilt.eventsPerSecond / r.readAll.eventsPerSecond, 3),
    },
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}


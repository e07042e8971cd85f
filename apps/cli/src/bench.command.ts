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
import { appendDemoYears, readRawLog, readWholeLog, rebuild, rebuildAll, rebuildOneAfterTheOther, type ReplayRun } from './bench/replay-bench';
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
    const projections = app.get<Projection[]>(PROJECTIONS);

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
    const replays: ReplayCase[] = [];
    let years = 0;
    // Two log lengths, so that the peak memory of a rebuild can be seen not to grow with the log.
    for (const upTo of DEMO_YEARS) {
      const appended = await measured(`append demo years ${years + 1} to ${upTo} (untimed)`, pool, async () => {
        const started = Date.now();
        const events = await appendDemoYears(store, years, upTo - years);
        return { events, seconds: (Date.now() - started) / 1000 };
      });
      years = upTo;
      replays.push(await replayCase(`${upTo} demo year(s)`, appended.events, projections, store, dataSource, db.url, pool, batchSize));
    }

    report({ options, origin: db.origin, server, cases, batchSize, replays });
  } finally {
    await app?.close().catch(() => undefined);
    await writeStore.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.close();
  }
}


/** Demo years in the log at each measured length (cumulative): 1, then 3. */
const DEMO_YEARS = [1, 3];

interface ReplayCase {
  label: string;
  logEvents: number;
  raw: ReplayRun;
  readAll: ReplayRun;
  /** Each projection rebuilt alone, then all of them in one pass over the log (`all`), as `projections:rebuild` does, and one after the other. */
  rebuilds: Array<{ name: string; run: ReplayRun }>;
}

/** Reads and rebuilds the whole log at its current length: the raw read and `readAll` are the baselines. */
async function replayCase(
  label: string,
  demoEvents: number,
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  url: string,
  pool: Pool,
  batchSize: number,
): Promise<ReplayCase> {
  progress(`replay at ${label} (+${demoEvents} demo events)`);
  // Untimed pass first so that neither measured pass is the one that pulls the log into cache.
  await measured('replay warm-up (untimed)', pool, () => readWholeLog(store, 5_000));
  const raw = await measured(`replay baseline raw read batch=${batchSize}`, pool, () => readRawLog(pool, batchSize));
  const readAll = await measured(`replay baseline readAll batch=${batchSize}`, pool, () => readWholeLog(store, batchSize));
  const rebuilds: ReplayCase['rebuilds'] = [];
  for (const projection of projections) {
    const run = await measured(`replay rebuild ${projection.name} batch=${batchSize}`, pool, () => rebuild(projection, store, dataSource, url, batchSize));
    rebuilds.push({ name: projection.name, run });
    if (projection.name === REPLAYED_PROJECTION) await checkProjection(pool, run.events);
  }
  const all = await measured(`replay rebuild all (one pass) batch=${batchSize}`, pool, () => rebuildAll(projections, store, dataSource, url, batchSize));
  rebuilds.push({ name: 'all', run: all });
  // What rebuilding them all cost before the one-pass rebuild, for comparison in the same run.
  const sequential = await measured(`replay rebuild all (one after the other) batch=${batchSize}`, pool, () =>
    rebuildOneAfterTheOther(projections, store, dataSource, url, batchSize),
  );
  rebuilds.push({ name: 'all, one after the other', run: sequential });
  return { label, logEvents: raw.events, raw, readAll, rebuilds };
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
  replays: ReplayCase[];
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
    `Replay of the whole log (batch ${r.batchSize} = PROJECTION_BATCH_SIZE): the bench's appended events plus demo years (seed:demo plans);`,
    '  raw = SELECT position, stream_id, type, data, metadata by keyset pages; "all" rebuilds every projection in one pass over the log',
    '  (as projections:rebuild does; "all, one after the other" rebuilds them in turn); events/s = log events / total time; peak RSS = highest RSS of this process sampled every 20 ms during the step.',
    ...r.replays.flatMap((c) => [
      '',
      `${c.label}: ${int(c.logEvents)} events in the log`,
      formatTable(
        ['what', 'events', 'seconds', 'events/s', 'vs raw', 'vs readAll', 'peak RSS MiB'],
        [
          ...c.rebuilds.map(({ name, run }) => [
            `rebuild ${name}`,
            int(run.events),
            fixed(run.seconds, 2),
            int(c.logEvents / run.seconds),
            fixed(c.logEvents / run.seconds / c.raw.eventsPerSecond, 2),
            fixed(c.logEvents / run.seconds / c.readAll.eventsPerSecond, 2),
            int(run.peakRssMiB),
          ]),
          ['readAll only (baseline)', int(c.readAll.events), fixed(c.readAll.seconds, 2), int(c.readAll.eventsPerSecond),
            fixed(c.readAll.eventsPerSecond / c.raw.eventsPerSecond, 2), '1.00', int(c.readAll.peakRssMiB)],
          ['raw read (baseline)', int(c.raw.events), fixed(c.raw.seconds, 2), int(c.raw.eventsPerSecond), '1.00', '', int(c.raw.peakRssMiB)],
        ],
      ),
    ]),
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
  const replayJson = (a: ReplayRun) => ({ events: a.events, seconds: round(a.seconds, 3), eventsPerSecond: round(a.eventsPerSecond), peakRssMiB: round(a.peakRssMiB) });
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
    replay: r.replays.map((c) => ({
      label: c.label,
      batchSize: r.batchSize,
      logEvents: c.logEvents,
      raw: replayJson(c.raw),
      readAll: replayJson(c.readAll),
      rebuilds: c.rebuilds.map(({ name, run }) => ({
        projection: name,
        ...replayJson(run),
        ratioToRaw: round(c.logEvents / run.seconds / c.raw.eventsPerSecond, 3),
        ratioToReadAll: round(c.logEvents / run.seconds / c.readAll.eventsPerSecond, 3),
      })),
    })),
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}


/**
 * `bench --scale small|national`: generate through the deciders, load through the event-store
 * port, rebuild the projections, then measure the api's queries under a write load, on a
 * throwaway database (bench-database.ts). Issue 18.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { UserDirectory } from '@suivi/access';
import { CommandExecutor } from '@suivi/commands';
import { validateConfig } from '@suivi/config';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, type Projection } from '@suivi/projections';
import { CliModule } from '../../cli.module';
import { DEFAULT_SEED } from '../../seed-demo/plan';
import { openBenchDatabase, serverInfo } from '../bench-database';
import { positiveInt } from '../options';
import { benchApi, newSecrets, UTILISATEURS, type ApiBench } from './api-bench';
import { load, type LoadRun } from './loader';
import { RssSampler, statusKb } from './memory';
import { decidedLogFor, emptyWorld, generer, type Scale } from './phases';
import { benchRebuild, type RebuildBench } from './rebuild-bench';
import { buildRows, markdown, type Row } from './report';

export interface ScaleOptions {
  scale?: Scale;
  fraction: number;
  seed: number;
  json?: boolean;
  writers: number;
  batchStreams: number;
  repetitions: number;
  apiWriters: number;
  budgetRequete: number;
}

/** Events of the national shape at fraction 1, for the progress bar (measured: 89,866 at 0.01). */
const EVENEMENTS_NATIONAUX = 9_000_000;

/** The options of `bench` that choose this harness (bench.command.ts only registers them). */
export function addScaleOptions(command: Command): Command {
  return command
    .addOption(new Option('--scale <scale>', 'run the scale harness instead: small (the demo year) or national (ten years, country-wide)').choices(['small', 'national']))
    .option('--fraction <x>', 'with --scale national: share of the national volume, in ]0, 1]', fraction, 1)
    .option('--seed <n>', 'with --scale: seed of the generator (same seed, same events)', positiveInt, DEFAULT_SEED)
    .option('--json', 'with --scale: also write bench/results/<date>-<scale>.json')
    .option('--batch-streams <n>', 'with --scale: stream appends per appendToStreams call', positiveInt, 250)
    .option('--repetitions <n>', 'with --scale: timed repetitions of each api query', positiveInt, 30)
    .option('--api-writers <n>', 'with --scale: clients declaring hours during the queries', positiveInt, 3)
    .option('--budget-requete <s>', 'with --scale: seconds after which a slow query stops repeating (at least 5 times)', positiveInt, 90);
}

function fraction(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError('must be a number in ]0, 1]');
  return x;
}

export async function benchScale(options: ScaleOptions & { scale: Scale }): Promise<void> {
  const started = performance.now();
  const scale = options.scale;
  const part = scale === 'small' ? 1 : options.fraction;
  if (process.env.DATABASE_URL) progress('DATABASE_URL is ignored: the bench never runs on the service database');
  progress(process.env.BENCH_DATABASE_URL ? 'base de bench créée sur BENCH_DATABASE_URL' : 'PostgreSQL embarqué jetable');
  const db = await openBenchDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'suivi-bench-scale-'));
  const secrets = newSecrets(dataDir);
  const motDePasse = randomBytes(18).toString('base64url');
  const config = validateConfig({
    ...process.env,
    EVENT_STORE: 'postgres',
    DATA_DIR: dataDir,
    AUTH_SECRET: secrets.auth,
    PERSONAL_DATA_KEY: secrets.personal,
    LOG_LEVEL: 'warn',
  });
  const writeStore = new PostgresEventStore({ connectionString: db.url, poolSize: Math.max(10, options.writers) });
  const pool = new Pool({ connectionString: db.url, max: 1, application_name: 'suivi-bench-scale' });
  pool.on('error', () => undefined);
  let app: INestApplicationContext | null = null;
  try {
    const server = await serverInfo(pool);

    // 1-2. Generation through the deciders, appends through the port.
    progress(`génération ${scale}${scale === 'national' ? ` (fraction ${part})` : ''}, graine ${options.seed} ; ${options.writers} écrivains, ${options.batchStreams} flux par appel`);
    const log = decidedLogFor(scale, options.seed);
    const world = emptyWorld();
    const generatorRss = new RssSampler().start();
    const loadRun = await load(writeStore, generer(scale, log, options.seed, part, world), log, {
      batchStreams: options.batchStreams,
      writers: options.writers,
      expectedEvents: scale === 'small' ? 18_659 : Math.round(EVENEMENTS_NATIONAUX * part),
    });
    const generatorPeakRssMb = generatorRss.stop();
    if (log.refus.length > 0) {
      for (const r of log.refus.slice(0, 10)) progress(`  refus ${r.code} ${r.kind} ${r.key} : ${r.message}`);
      throw new Error(`${log.refus.length} commande(s) refusée(s) par les deciders : c'est un défaut du générateur.`);
    }
    progress(
      `  ${fmt(loadRun.events)} événements, ${fmt(loadRun.streams)} ajouts de flux en ${loadRun.seconds.toFixed(1)} s ` +
        `(${fmt(loadRun.events / loadRun.appendSeconds)} év/s à l'écriture, génération ${loadRun.generationSeconds.toFixed(1)} s) ; RSS max ${generatorPeakRssMb.toFixed(0)} Mo`,
    );

    // Users, in the log before the rebuild (the utilisateurs projection replays them).
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    const store = app.get<EventStore>(EVENT_STORE);
    await creerUtilisateurs(store, world.donneurOrdreId, motDePasse);

    // 3. Rebuilds against the raw read.
    progress('reconstruction des projections');
    const rebuild = await benchRebuild(db.url, app.get<Projection[]>(PROJECTIONS), store, app.get(DataSource), config.PROJECTION_BATCH_SIZE, progress);
    await app.close();
    app = null;

    // 4. The api under a write load.
    progress(`api : ${options.repetitions} répétitions par requête, ${options.apiWriters} clients qui déclarent des heures en fond`);
    let api: ApiBench | null = null;
    let apiError: string | null = null;
    try {
      api = await benchApi(db.url, secrets, motDePasse, world, { repetitions: options.repetitions, writers: options.apiWriters, budgetSeconds: options.budgetRequete }, progress);
    } catch (error) {
      // What was measured before stays worth reporting; the failure is a finding of its own.
      apiError = error instanceof Error ? error.message : String(error);
      progress(`ÉCHEC de la mesure de l'api : ${apiError.slice(0, 4000)}`);
    }

    // 5. Report.
    const rows = buildRows(loadRun, rebuild, api);
    if (apiError) rows.push({ figure: `api : ÉCHEC (${apiError.split('\n')[0].slice(0, 200)})`, unit: '', median: NaN, min: NaN, max: NaN, p99: null, target: '—', met: false });
    const result = {
      bench: 'scale',
      scale,
      fraction: part,
      seed: options.seed,
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', memoryGb: Math.round(totalmem() / 1e9) },
      server: { origin: db.origin, ...server },
      generation: {
        events: log.events,
        commands: log.commands,
        refused: log.refus.length,
        countsByType: Object.fromEntries([...log.countsByType].sort(([a], [b]) => a.localeCompare(b))),
        liveStreamsAtEnd: world.liveStreamsAtEnd,
        peakRssMb: round(generatorPeakRssMb),
        processHwmMb: round((statusKb('self', 'VmHWM') ?? 0) / 1e3),
      },
      load: { ...loadRun, phaseRates: undefined, eventsPerSecond: round(loadRun.events / loadRun.appendSeconds), batchStreams: options.batchStreams, writers: options.writers },
      rebuild,
      api,
      apiError,
      world: { annee: world.annee, donneurOrdreId: world.donneurOrdreId, marcheId: world.marcheId, placementsOuverts: world.placementsOuverts.length },
      rows,
      seconds: round((performance.now() - started) / 1000, 1),
    };
    console.log(header(result) + '\n\n' + markdown(rows));
    if (options.json) {
      mkdirSync(join('bench', 'results'), { recursive: true });
      const file = join('bench', 'results', `${result.date.slice(0, 10)}-${scale}${scale === 'national' && part < 1 ? `-${part}` : ''}.json`);
      writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
      progress(`résultats écrits dans ${file}`);
    }
    const rates = rows.filter((r: Row) => r.met === false).map((r: Row) => r.figure);
    if (rates.length > 0) progress(`cibles non atteintes : ${rates.join(' ; ')}`);
  } finally {
    await app?.close().catch(() => undefined);
    await writeStore.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One user per role the queries need, created as `users:create` does. */
async function creerUtilisateurs(store: EventStore, donneurOrdreId: string | null, motDePasse: string): Promise<void> {
  const annuaire = new UserDirectory(new CommandExecutor(store));
  for (const [role, identifiant] of Object.entries(UTILISATEURS) as Array<[keyof typeof UTILISATEURS, string]>) {
    await annuaire.creer(
      { identifiant, role, motDePasse, donneurOrdreId: role === 'acheteur' ? donneurOrdreId : null },
      { userId: 'bench-scale', correlationId: randomBytes(16).toString('hex'), causationId: null, now: new Date() },
    );
  }
}

function header(r: { scale: string; fraction: number; seed: number; generation: { events: number }; machine: { cpus: number; cpu: string; memoryGb: number }; server: { version: string; settings: string }; seconds: number }): string {
  return [
    `## bench --scale ${r.scale}${r.scale === 'national' ? ` --fraction ${r.fraction}` : ''} (graine ${r.seed})`,
    '',
    `${fmt(r.generation.events)} événements ; ${r.machine.cpus} cœurs (${r.machine.cpu}), ${r.machine.memoryGb} Go ; PostgreSQL ${r.server.version} (${r.server.settings}) ; ${r.seconds.toFixed(0)} s au total`,
  ].join('\n');
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('fr-FR');
}

function round(n: number, digits = 0): number {
  return Number(n.toFixed(digits));
}

export type { ApiBench, LoadRun, RebuildBench };

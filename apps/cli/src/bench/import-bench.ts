import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Command } from 'commander';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { CommandExecutor, PlacementsConnus } from '@suivi/commands';
import { validateConfig } from '@suivi/config';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, rebuildProjection, type Projection } from '@suivi/projections';
import { DeclarerHeuresCommand, DeclarerHeuresHandler } from '../../../api/src/placements/placements.handlers';
import { CliModule } from '../cli.module';
import { checkChild, statusKb } from './api-process';
import { openBenchDatabase, serverInfo } from './bench-database';
import { benchContext, benchExecutor, MOIS_2025 as MOIS, seedPeople, seedReferentiel, type BenchMarche, type BenchPerson } from './bench-people';
import { positiveInt } from './options';
import { fixed, round } from './report';

/**
 * `bench:import`: the timesheet import of a large file, measured as a user runs it.
 *
 * 1. A throwaway database, seeded through the real deciders and the CommandExecutor (names
 *    encrypted with a master key of this run): marchés of 2025, and one person per 12 rows with
 *    an eligibility and a placement; the `annuaire` (the name search the import uses) is rebuilt.
 * 2. A French CSV of N rows (12 months per placement; half the rows by placement id, half by
 *    SIRET, name, first name, birth date and marché number).
 * 3. `node dist/apps/cli/src/main.js import:heures FILE` in a child process against that database:
 *    wall time, peak RSS (VmHWM), the phases seen in `imports.travaux`; then the log must hold
 *    exactly N HeuresDeclarees. The same file again: no new event.
 * 4. Baseline: the same kind of declarations, one `DeclarerHeures` command per row (the handler of
 *    `POST /placements/:id/declarations`), on people of their own.
 */

interface ImportBenchOptions {
  lignes: number;
  echantillon: number;
  json?: boolean;
}

const MARCHES = 40;
const ENTREPRISES = 20;
const SEED_CONCURRENCY = 8;
const POLL_RSS_MS = 50;
const POLL_JOB_MS = 200;
const BENCH_USER = 'bench:import';

export function registerImportBenchCommand(program: Command): void {
  program
    .command('bench:import')
    .description('time the timesheet import (import:heures, in a child process) on a seeded throwaway database, against one command per row')
    .option('--lignes <n>', 'rows of the imported file (12 months per placement)', positiveInt, 50_000)
    .option('--echantillon <n>', 'rows of the baseline: one DeclarerHeures command at a time', positiveInt, 2_000)
    .option('--json', 'also write bench/results/import-<date>.json')
    .action((options: ImportBenchOptions) => benchImport(options));
}

// ---------------------------------------------------------------------------------------------

/** A seeded person, with the birth date as the file writes it. */
interface Personne extends BenchPerson {
  /** JJ/MM/AAAA, as written in the file. */
  naissanceFr: string;
}

interface ChildRun {
  seconds: number;
  exitCode: number | null;
  peakRssKb: number;
  stdout: string;
  stderr: string;
  phases: Phase[];
  job: JobRow | null;
}

interface Phase {
  etat: string;
  /** Seconds since the child was spawned when this state was first seen (polled every 200 ms). */
  at: number;
}

interface JobRow {
  id: string;
  etat: string;
  lignes: number;
  declarations: number;
  corrections: number;
  inchangees: number;
  erreurs_total: number;
  cree_le: Date;
  termine_le: Date | null;
}

async function benchImport(options: ImportBenchOptions): Promise<void> {
  const started = performance.now();
  const masterKey = randomBytes(32).toString('base64');
  // EVENT_STORE is forced and the master key is this run's own: the child gets the same one.
  const config = validateConfig({ ...process.env, EVENT_STORE: 'postgres', PERSONAL_DATA_KEY: masterKey, LOG_LEVEL: 'warn' });
  if (process.env.DATABASE_URL) progress('DATABASE_URL is ignored: the bench never runs on the service database');
  progress(process.env.BENCH_DATABASE_URL ? 'creating a bench database on BENCH_DATABASE_URL' : 'starting a throwaway embedded PostgreSQL (migrated)');
  const db = await openBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2, application_name: 'suivi-bench-import' });
  pool.on('error', () => undefined);
  let app: INestApplicationContext | null = null;
  const fichier = join(tmpdir(), `suivi-bench-import-${process.pid}-${options.lignes}.csv`);
  try {
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    const store = app.get<EventStore>(EVENT_STORE);
    const dataSource = app.get(DataSource);
    const annuaire = app.get<Projection[]>(PROJECTIONS).find((p) => p.name === 'annuaire');
    if (!annuaire) throw new Error('projection annuaire not found');
    const executor = benchExecutor(app, masterKey);
    const server = await serverInfo(pool);

    // 1. Seed.
    const personnesImport = Math.ceil(options.lignes / MOIS.length);
    const personnesBaseline = Math.ceil(options.echantillon / MOIS.length);
    progress(`seeding ${MARCHES} marchés, ${ENTREPRISES} entreprises, ${personnesImport} + ${personnesBaseline} (baseline) people with a placement each`);
    const seedStarted = performance.now();
    const marches = await seedReferentiel(executor, {
      marches: MARCHES,
      entreprises: ENTREPRISES,
      concurrency: SEED_CONCURRENCY,
      userId: BENCH_USER,
      siretFrom: 424_242_000,
      raisonSociale: (e) => `Bâtisseurs ${e} SAS`,
      numero: (m) => `2025-BENCH-${String(m).padStart(3, '0')}`,
    });
    const personnes = await seedPersonnes(executor, marches, personnesImport + personnesBaseline);
    const seedWriteSeconds = (performance.now() - seedStarted) / 1000;
    progress(`  written in ${fixed(seedWriteSeconds, 1)} s; rebuilding the annuaire projection`);
    const rebuilt = await rebuildProjection(annuaire, store, dataSource, db.url, { batchSize: config.PROJECTION_BATCH_SIZE });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const annuaireRows = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM annuaire.salaries WHERE nom IS NOT NULL`)).rows[0].n);
    if (annuaireRows !== personnes.length) throw new Error(`annuaire holds ${annuaireRows} named people, ${personnes.length} expected`);
    progress(`  annuaire: ${rebuilt.events} events replayed in ${fixed(rebuilt.seconds, 1)} s; seed total ${fixed(seedSeconds, 1)} s`);
    const eventsAfterSeed = await countEvents(pool);

    // 2. The file.
    const duFichier = personnes.slice(0, personnesImport);
    const deLaBaseline = personnes.slice(personnesImport);
    const octets = ecrireCsv(fichier, duFichier, options.lignes);
    progress(`file ${fichier}: ${options.lignes} rows, ${fixed(octets / 1024 / 1024, 2)} MB`);

    // 3. The import, as a user runs it; then again.
    const env = childEnv(db.url, masterKey);
    const first = await measured('import:heures (child process)', pool, () => runImport(fichier, env, pool));
    checkChild(first, 'import');
    const declarees = await countEvents(pool, 'HeuresDeclarees');
    if (declarees !== options.lignes) throw new Error(`the log holds ${declarees} HeuresDeclarees after the import, ${options.lignes} expected`);
    if (first.job?.etat !== 'enregistre' || first.job.declarations !== options.lignes || first.job.erreurs_total !== 0) {
      throw new Error(`import job ended ${JSON.stringify(first.job)}`);
    }
    const eventsAfterImport = await countEvents(pool);
    const appends = await appendsOfJob(pool, first.job.id);
    const second = await measured('import:heures again (re-import)', pool, () => runImport(fichier, env, pool));
    checkChild(second, 're-import');
    const eventsAfterReimport = await countEvents(pool);
    const newOnReimport = eventsAfterReimport - eventsAfterImport;
    if (second.job?.inchangees !== options.lignes) throw new Error(`re-import job ended ${JSON.stringify(second.job)}`);

    // 4. Baseline: one command per row.
    const baseline = await measured(`baseline: ${options.echantillon} DeclarerHeures, one at a time`, pool, () =>
      runBaseline(executor, deLaBaseline, options.echantillon),
    );
    const declareesTotal = await countEvents(pool, 'HeuresDeclarees');
    if (declareesTotal !== options.lignes + options.echantillon) {
      throw new Error(`the log holds ${declareesTotal} HeuresDeclarees after the baseline, ${options.lignes + options.echantillon} expected`);
    }

    const result = {
      date: new Date().toISOString(),
      postgres: { version: server.version, settings: server.settings, server: process.env.BENCH_DATABASE_URL ? 'external' : 'embedded' },
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), totalMemGiB: round(totalmem() / 1024 ** 3, 1), node: process.version },
      params: { lignes: options.lignes, echantillon: options.echantillon, personnes: duFichier.length, marches: MARCHES, entreprises: ENTREPRISES, fileBytes: octets },
      seed: {
        seconds: round(seedSeconds, 3),
        writeSeconds: round(seedWriteSeconds, 3),
        annuaireRebuildSeconds: round(rebuilt.seconds, 3),
        events: eventsAfterSeed,
      },
      import: runJson(first, options.lignes),
      reimport: { ...runJson(second, options.lignes), newEvents: newOnReimport },
      eventsAddedByImport: eventsAfterImport - eventsAfterSeed,
      appendsOfImport: appends,
      baseline: { rows: options.echantillon, seconds: round(baseline.seconds, 3), rowsPerSecond: round(options.echantillon / baseline.seconds, 1), concurrency: 1 },
      ratio: round(options.lignes / first.seconds / (options.echantillon / baseline.seconds), 2),
      totalSeconds: round((performance.now() - started) / 1000, 1),
    };
    report(result, first, second);
    if (options.json) {
      mkdirSync(join('bench', 'results'), { recursive: true });
      const path = join('bench', 'results', `import-${result.date.slice(0, 10)}.json`);
      writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
      progress(`written ${path}`);
    }
  } finally {
    rmSync(fichier, { force: true });
    await app?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Seed
// ---------------------------------------------------------------------------------------------

const PRENOMS = ['Prénom', 'Camille', 'Éloïse', 'Noé', 'Zoé', 'Jérôme', 'Gaëlle', 'Loïc'];
const NOMS = ['Nom', 'Lefèvre', 'Durand', 'Çelik', 'Nguyễn', 'Martin'];

/** The import's people: names with accents and a few QPV residents; unique per person (the index is part of both names). */
async function seedPersonnes(executor: CommandExecutor, marches: BenchMarche[], total: number): Promise<Personne[]> {
  const personnes = await seedPeople(executor, marches, total, {
    concurrency: SEED_CONCURRENCY,
    userId: BENCH_USER,
    identity: (i) => ({
      nom: `${NOMS[i % NOMS.length]}${i}`,
      prenom: `${PRENOMS[(i >> 1) % PRENOMS.length]}${i}`,
      dateNaissance: new Date(Date.UTC(1965, 0, 1) + (i % 12_000) * 86_400_000).toISOString().slice(0, 10),
      quartierQpv: i % 3 === 0 ? 'Grésilles' : null,
    }),
  });
  return personnes.map((p) => {
    const [a, m, j] = p.dateNaissance.split('-');
    return { ...p, naissanceFr: `${j}/${m}/${a}` };
  });
}

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

/** Month by month (a year of monthly sheets put together), each person's row; N rows in all. */
function ecrireCsv(chemin: string, personnes: Personne[], lignes: number): number {
  const out: string[] = ['placement;siret;nom;prenom;dateNaissance;marche;mois;heures'];
  let n = 0;
  for (const mois of MOIS) {
    for (const p of personnes) {
      if (n >= lignes) break;
      const moisFr = `${mois.slice(5)}/${mois.slice(0, 4)}`;
      const heures = heuresDe(p.index, mois);
      // Half the people named by placement id, half by identity (one way per person, as a sheet would).
      if (p.index % 2 === 0) out.push(`${p.placementId};;;;;;${moisFr};${heures}`);
      else out.push(`;${p.marche.siret};${p.nom};${p.prenom};${p.naissanceFr};${p.marche.numero};${moisFr};${heures}`);
      n++;
    }
  }
  if (n !== lignes) throw new Error(`only ${n} rows for ${lignes} asked`);
  const texte = `\ufeff${out.join('\r\n')}\r\n`;
  writeFileSync(chemin, texte, 'utf8');
  return Buffer.byteLength(texte, 'utf8');
}

/** Between 7 and 151,67 h, 2 decimals, decimal comma; the same for the same person and month. */
function heuresDe(index: number, mois: string): string {
  const h = (Math.imul(index + 1, 2_654_435_761) ^ Math.imul(Number(mois.slice(5)), 40_503)) >>> 0;
  const centiemes = 700 + (h % (15_167 - 700 + 1));
  return (centiemes / 100).toFixed(2).replace('.', ',');
}

// ---------------------------------------------------------------------------------------------
// The child process
// ---------------------------------------------------------------------------------------------

function childEnv(databaseUrl: string, masterKey: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, PERSONAL_DATA_KEY: masterKey };
  delete env.NODE_ENV;
  delete env.BENCH_DATABASE_URL;
  return env;
}

/** `node dist/apps/cli/src/main.js import:heures FILE`, with its peak RSS and the job's phases as they pass. */
async function runImport(fichier: string, env: NodeJS.ProcessEnv, pool: Pool): Promise<ChildRun & { seconds: number }> {
  const known = new Set((await pool.query<{ id: string }>('SELECT id FROM imports.travaux')).rows.map((r) => r.id));
  const main = join(__dirname, '..', 'main.js');
  const t0 = performance.now();
  const child = spawn(process.execPath, [main, 'import:heures', fichier], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));

  let peakRssKb = 0;
  const rssTimer = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, vmHwm(child.pid));
  }, POLL_RSS_MS);

  const phases: Phase[] = [];
  let jobId: string | null = null;
  let polling = false;
  const jobTimer = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      const { rows } = await pool.query<{ id: string; etat: string; termine_le: Date | null }>(
        'SELECT id, etat, termine_le FROM imports.travaux ORDER BY cree_le DESC LIMIT 5',
      );
      const row = rows.find((r) => !known.has(r.id));
      if (!row) return;
      jobId = row.id;
      const etat = row.termine_le ? `fini (${row.etat})` : row.etat;
      if (phases[phases.length - 1]?.etat !== etat) phases.push({ etat, at: (performance.now() - t0) / 1000 });
    } catch {
      // A poll lost is a phase boundary known 200 ms later.
    } finally {
      polling = false;
    }
  }, POLL_JOB_MS);

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      peakRssKb = Math.max(peakRssKb, vmHwm(child.pid));
      resolve(code);
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(rssTimer);
  clearInterval(jobTimer);
  phases.push({ etat: 'exit', at: seconds });
  if (!jobId) {
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM imports.travaux ORDER BY cree_le DESC LIMIT 5');
    jobId = rows.find((r) => !known.has(r.id))?.id ?? null;
  }
  const job = jobId
    ? (
        await pool.query<JobRow>(
          `SELECT id, etat, lignes, declarations, corrections, inchangees, erreurs_total, cree_le, termine_le FROM imports.travaux WHERE id = $1`,
          [jobId],
        )
      ).rows[0]
    : null;
  return { seconds, exitCode, peakRssKb, stdout, stderr, phases, job };
}

/** The process's peak resident set (VmHWM, kB); 0 once it is gone. */
function vmHwm(pid: number | undefined): number {
  return statusKb(pid, 'VmHWM') ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Baseline
// ---------------------------------------------------------------------------------------------

/** What a client sending one declaration per row gets: DeclarerHeuresHandler (locator or known placement, salarié decider, declaration locator), one at a time. */
async function runBaseline(executor: CommandExecutor, personnes: Personne[], lignes: number): Promise<{ seconds: number }> {
  const handler = new DeclarerHeuresHandler(executor, new PlacementsConnus());
  const todo: Array<{ placementId: string; mois: string; heures: number }> = [];
  for (const p of personnes) for (const mois of MOIS) todo.push({ placementId: p.placementId, mois, heures: Number(heuresDe(p.index, mois).replace(',', '.')) });
  const rows = todo.slice(0, lignes);
  if (rows.length !== lignes) throw new Error(`baseline: ${rows.length} rows for ${lignes} asked`);
  const t0 = performance.now();
  for (const row of rows) await handler.execute(new DeclarerHeuresCommand(row.placementId, { mois: row.mois, heures: row.heures }, benchContext(BENCH_USER)));
  return { seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function runJson(run: ChildRun, lignes: number) {
  return {
    seconds: round(run.seconds, 3),
    rowsPerSecond: round(lignes / run.seconds, 1),
    peakRssMb: round(run.peakRssKb / 1024, 1),
    phases: run.phases.map((p) => ({ etat: p.etat, at: round(p.at, 2) })),
    job: run.job && {
      etat: run.job.etat,
      declarations: run.job.declarations,
      corrections: run.job.corrections,
      inchangees: run.job.inchangees,
      erreurs: run.job.erreurs_total,
      jobSeconds: run.job.termine_le ? round((run.job.termine_le.getTime() - run.job.cree_le.getTime()) / 1000, 3) : null,
    },
  };
}

type Result = {
  params: { lignes: number; echantillon: number; personnes: number };
  seed: { seconds: number; writeSeconds: number; annuaireRebuildSeconds: number; events: number };
  import: ReturnType<typeof runJson>;
  reimport: ReturnType<typeof runJson> & { newEvents: number };
  baseline: { rowsPerSecond: number; seconds: number };
  appendsOfImport: Array<{ type: string; events: number; streams: number }>;
  ratio: number;
  postgres: { version: string; settings: string };
  machine: { cpus: number; cpuModel?: string; totalMemGiB: number; node: string };
};

function report(r: Result, first: ChildRun, second: ChildRun): void {
  const md = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const lines = [
    '',
    `bench:import — PostgreSQL ${r.postgres.version} (${r.postgres.settings}); ${r.machine.cpus} CPUs (${r.machine.cpuModel ?? '?'}), ` +
      `${r.machine.totalMemGiB} GiB, Node ${r.machine.node}`,
    `${r.params.personnes} people × 12 months; import = \`node dist/apps/cli/src/main.js import:heures FILE\` (child process, wall time incl. Node/Nest start)`,
    '',
    md(['rows', 'seed s', 'import s', 'rows/s', 'peak RSS MB', 're-import s', 'new events on re-import', 'baseline rows/s', 'ratio']),
    md(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    md([
      r.params.lignes,
      fixed(r.seed.seconds, 1),
      fixed(r.import.seconds, 1),
      fixed(r.import.rowsPerSecond, 0),
      fixed(r.import.peakRssMb, 0),
      fixed(r.reimport.seconds, 1),
      r.reimport.newEvents,
      fixed(r.baseline.rowsPerSecond, 0),
      fixed(r.ratio, 2),
    ]),
    '',
    `seed: ${fixed(r.seed.writeSeconds, 1)} s of commands + ${fixed(r.seed.annuaireRebuildSeconds, 1)} s annuaire rebuild (${r.seed.events} events); ` +
      `baseline: ${r.params.echantillon} rows in ${fixed(r.baseline.seconds, 1)} s, one DeclarerHeures at a time; re-import peak RSS ${fixed(r.reimport.peakRssMb, 0)} MB`,
    `the import's writes (events with the job's correlation id): ${r.appendsOfImport
      .map((a) => `${a.events} ${a.type} on ${a.streams} streams`)
      .join(', ')} (per person: one transaction for the locators of their new declarations, one append of their declarations)`,
    '',
    'Phases (imports.travaux.etat, first seen, polled every 200 ms; seconds since spawn):',
    md(['run', ...phaseHeaders()]),
    md(['---', ...phaseHeaders().map(() => '---:')]),
    md(['import', ...phaseCells(first)]),
    md(['re-import', ...phaseCells(second)]),
    '',
  ];
  console.log(lines.join('\n'));
  console.log(`BENCH_IMPORT_RESULT ${JSON.stringify(r)}`);
}

const PHASES = ['lecture', 'verification', 'enregistrement', 'fini'] as const;
const phaseHeaders = () => ['start → lecture', 'lecture', 'vérification', 'enregistrement', 'fin → exit'];

/** Durations between the states seen: boot (spawn → job created), each phase, and the end (job done → process gone). */
function phaseCells(run: ChildRun): string[] {
  const at = (etat: string) => run.phases.find((p) => p.etat === etat || p.etat.startsWith(`${etat} `))?.at;
  const points = [0, ...PHASES.map(at), run.seconds];
  const cells: string[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    // A phase too short to be seen by the poll: measured up to the next one seen.
    let j = i + 1;
    while (j < points.length && points[j] === undefined) j++;
    const b = points[j];
    cells.push(a === undefined || b === undefined ? '–' : fixed(b - a, 1));
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function measured<T extends { seconds: number }>(label: string, pool: Pool, run: () => Promise<T>): Promise<T> {
  // No step pays for the previous one's dirty pages (needs superuser; skipped elsewhere).
  await pool.query('CHECKPOINT').catch(() => undefined);
  process.stderr.write(`  ${label} ... `);
  const result = await run();
  process.stderr.write(`${fixed(result.seconds, 2)} s\n`);
  return result;
}

/** The events an import appended, by type, and on how many streams (each written by one append). */
async function appendsOfJob(pool: Pool, jobId: string): Promise<Array<{ type: string; events: number; streams: number }>> {
  const { rows } = await pool.query<{ type: string; events: string; streams: string }>(
    `SELECT type, count(*) AS events, count(DISTINCT stream_id) AS streams FROM event_store.events
      WHERE metadata->>'correlationId' = $1 GROUP BY type ORDER BY type`,
    [jobId],
  );
  return rows.map((r) => ({ type: r.type, events: Number(r.events), streams: Number(r.streams) }));
}

async function countEvents(pool: Pool, type?: string): Promise<number> {
  const { rows } = type
    ? await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE type = $1', [type])
    : await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events');
  return Number(rows[0].n);
}


function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}


import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Command } from 'commander';
import { Pool } from 'pg';
import { validateConfig } from '@suivi/config';
import { CliModule } from '../cli.module';
import { API_MAIN, apiEnv, CLI_MAIN, checkChild, requireBuilt, runChild, signIn, sleep, startApi, statusKb, stopApi, waitForHealth, waitForReady, type ApiChild } from './api-process';
import { freePort, openBenchDatabase, serverInfo } from './bench-database';
import { benchExecutor, MOIS_2025 as MOIS, seedPeople, seedReferentiel } from './bench-people';
import { positiveInt } from './options';
import { fixed, int, round } from './report';

/**
 * `bench:http`: the api under load, as clients see it (autocannon, N connections, fixed duration).
 *
 * 1. A throwaway database with marchés of 2025 and P people, each with a placement from January
 *    2025, written through the real deciders and the CommandExecutor (as bench:import does).
 * 2. A facilitatrice made by `users:create` (child process); the api (`node dist/apps/api/src/main.js`)
 *    as a child process on a free port, measured once its projections have caught up.
 * 3. `GET /health` (the floor: routing, middleware, JSON), then `POST /api/placements/{id}/heures`
 *    with the facilitatrice's Bearer token: every request a different declaration (placement ×
 *    month, placements first so that concurrent requests hit different streams), each with its own
 *    Idempotency-Key. Peak RSS of the api (VmRSS sampled, VmHWM) during each run.
 * 4. Checks: no non-2xx answer to the declarations; the requests cut by the end of the run are sent
 *    again with their Idempotency-Key (the api answers what it recorded, or records them now); then
 *    the log holds exactly one HeuresDeclarees per declaration answered 2xx, and nothing else.
 *
 * The api's rate limits are raised for the run: one user at this pace is what they exist to stop,
 * and a 429 measures the limiter, not the request path.
 */

interface HttpBenchOptions {
  connections: number;
  duration: number;
  placements: number;
  cpuProf?: string;
  /** Diagnosis: the api without its in-process projectors (what the request path costs alone). */
  projectors: boolean;
  /** Another build's api, to compare (its migrations must be this build's). */
  apiMain: string;
  json?: boolean;
}

const MARCHES = 20;
const ENTREPRISES = 10;
const SEED_CONCURRENCY = 16;
const FACILITATRICE = 'bench-facilitatrice';
const BENCH_USER = 'bench:http';
const RSS_SAMPLE_MS = 100;
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** What this bench reads of autocannon 9's programmatic API (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  amount?: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
  timeout?: number;
}
interface Histogram {
  average: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  total: number;
  sent?: number;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram;
  requests: Histogram;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

export function registerHttpBenchCommand(program: Command): void {
  program
    .command('bench:http')
    .description('GET /health, then POST /api/placements/{id}/heures (a different declaration each time) under load, against a child api on a throwaway database')
    .option('--connections <n>', 'concurrent connections of autocannon', positiveInt, 16)
    .option('--duration <s>', 'seconds of each run', positiveInt, 15)
    .option('--placements <n>', 'people with a placement (12 months each: the declarations available)', positiveInt, 2_500)
    .option('--cpu-prof <dir>', "run the api with node --cpu-prof, its profile written in this folder when it stops")
    .option('--api-main <file>', "the api to run (another build's dist/apps/api/src/main.js, to compare)", API_MAIN)
    .option('--no-projectors', 'diagnosis: the api without its in-process projectors (the read side is not kept up to date)')
    .option('--json', 'also write bench/results/http-<date>.json')
    .action((options: HttpBenchOptions) => benchHttp(options));
}

// ---------------------------------------------------------------------------------------------

interface Run {
  label: string;
  requestsPerSecond: number;
  total: number;
  /** Requests written to a socket: more than `total` by those in flight when the clock stopped. */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { average: number; p50: number; p97_5: number; p99: number; max: number };
  peakRssMiB: number;
  hwmMiB: number;
  /** CPU time of the api process (user + system) per answered request: steadier than req/s on a shared machine. */
  apiCpuMsPerRequest: number;
  seconds: number;
}

async function benchHttp(options: HttpBenchOptions): Promise<void> {
  const started = performance.now();
  requireBuilt([
    [CLI_MAIN, 'the compiled CLI'],
    [options.apiMain, 'the compiled api'],
  ]);
  // Loaded here only: autocannon is a dev dependency, the other commands must not need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as Autocannon;

  const masterKey = randomBytes(32).toString('base64');
  const authSecret = randomBytes(48).toString('base64url');
  const config = validateConfig({ ...process.env, EVENT_STORE: 'postgres', PERSONAL_DATA_KEY: masterKey, LOG_LEVEL: 'warn' });
  if (process.env.DATABASE_URL) progress('DATABASE_URL is ignored: the bench never runs on the service database');
  progress(process.env.BENCH_DATABASE_URL ? 'creating a bench database on BENCH_DATABASE_URL' : 'starting a throwaway embedded PostgreSQL (migrated)');
  const db = await openBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2, application_name: 'suivi-bench-http' });
  pool.on('error', () => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'suivi-bench-http-'));
  const motDePasse = randomBytes(18).toString('base64url');
  let app: INestApplicationContext | null = null;
  let api: ApiChild | null = null;
  try {
    const server = await serverInfo(pool);

    // 1. Seed.
    progress(`seeding ${MARCHES} marchés and ${options.placements} people with a placement each (${options.placements * MOIS.length} declarations available)`);
    const seedStarted = performance.now();
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    const executor = benchExecutor(app, masterKey);
    const marches = await seedReferentiel(executor, {
      marches: MARCHES,
      entreprises: ENTREPRISES,
      concurrency: SEED_CONCURRENCY,
      userId: BENCH_USER,
      siretFrom: 515_151_000,
      raisonSociale: (e) => `Charge ${e} SAS`,
      numero: (m) => `2025-HTTP-${String(m).padStart(3, '0')}`,
    });
    const placements = (
      await seedPeople(executor, marches, options.placements, {
        concurrency: SEED_CONCURRENCY,
        userId: BENCH_USER,
        identity: (i) => ({
          nom: `Nom${i}`,
          prenom: `Prénom${i}`,
          dateNaissance: new Date(Date.UTC(1970, 0, 1) + (i % 12_000) * 86_400_000).toISOString().slice(0, 10),
          quartierQpv: null,
        }),
      })
    ).map((p) => p.placementId);
    await app.close();
    app = null;
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    progress(`  seeded in ${fixed(seedSeconds, 1)} s`);

    // 2. The user, then the api.
    const port = await freePort();
    const env = apiEnv({
      databaseUrl: db.url,
      port,
      dataDir,
      authSecret,
      personalDataKey: masterKey,
      projectors: options.projectors,
      raiseRateLimits: true,
    });
    checkChild(await runChild([CLI_MAIN, 'users:create', '--identifiant', FACILITATRICE, '--role', 'facilitatrice', '--mot-de-passe', motDePasse], env), 'users:create');
    if (options.cpuProf) mkdirSync(options.cpuProf, { recursive: true });
    const nodeArgs = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProf] : [];
    progress(`starting the api on port ${port}${options.cpuProf ? ` (CPU profile into ${options.cpuProf})` : ''} ...`);
    api = startApi(env, [...nodeArgs, options.apiMain]);
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, api);
    if (options.projectors) await waitForReady(base, api);
    const jeton = await signIn(base, FACILITATRICE, motDePasse);
    const head = await countEvents(pool, 'HeuresDeclarees');
    if (head !== 0) throw new Error(`${head} HeuresDeclarees before the run: the seed declares nothing`);

    // 3. The runs.
    const health = await measured(api, `GET /health, ${options.connections} connections, ${options.duration} s`, () =>
      autocannon({ url: `${base}/health`, connections: options.connections, duration: options.duration }),
    );
    const ok = new Set<string>();
    /** Every request built, by its Idempotency-Key; those answered are taken out. */
    const sansReponse = new Map<string, { path: string; body: string }>();
    let next = 0;
    const paires = placements.length * MOIS.length;
    const declarations = await measured(api, `POST /api/placements/{id}/heures, ${options.connections} connections, ${options.duration} s`, () =>
      autocannon({
        url: base,
        connections: options.connections,
        duration: options.duration,
        requests: [
          {
            method: 'POST',
            // autocannon gives a connection's context to the building of its request and to its answer (one request at a time).
            setupRequest: (request, context) => {
              const i = next++;
              // Placements first, then months: concurrent requests write different salariés' streams.
              const placementId = placements[i % placements.length];
              const mois = MOIS[Math.floor(i / placements.length) % MOIS.length];
              const cle = randomUUID();
              const path = `/api/placements/${placementId}/heures`;
              const body = JSON.stringify({ mois, heures: 7 + (i % 100) });
              sansReponse.set(cle, { path, body });
              context.cle = cle;
              return { ...request, path, headers: enTetes(jeton, cle), body };
            },
            onResponse: (status, body, context) => {
              sansReponse.delete(String(context.cle));
              if (status >= 200 && status < 300) ok.add((JSON.parse(body) as { id: string }).id);
            },
          },
        ],
      }),
    );
    if (next > paires) throw new Error(`${next} requests for ${paires} declarations available: run again with more --placements`);

    // 4. Requests cut by the end of the run (sent or not) again, each with its key: the api answers
    // what it recorded, or records it now. Then every 2xx is one declaration, and the log holds exactly those.
    await sleep(1_000);
    let rejouees = 0;
    for (const [cle, { path, body }] of sansReponse) {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: enTetes(jeton, cle), body });
      const texte = await res.text();
      if (!res.ok) throw new Error(`replay of a request cut by the end of the run: ${res.status} ${texte.slice(0, 300)}`);
      ok.add((JSON.parse(texte) as { id: string }).id);
      rejouees++;
    }
    if (options.projectors) await waitForReady(base, api);
    const declarees = await countEvents(pool, 'HeuresDeclarees');
    const { rows } = await pool.query<{ id: string; n: string }>(
      `SELECT data->>'declarationId' AS id, count(*) AS n FROM event_store.events WHERE type = 'HeuresDeclarees' GROUP BY 1`,
    );
    const dansLeLog = new Map(rows.map((r) => [r.id, Number(r.n)]));
    const manquantes = [...ok].filter((id) => dansLeLog.get(id) !== 1);
    const verification = {
      reponses2xx: declarations.ok,
      rejouees,
      idsDistincts: ok.size,
      heuresDeclareesDansLeLog: declarees,
      manquantes: manquantes.length,
    };
    progress(`check: ${declarees} HeuresDeclarees in the log for ${declarations.ok} answers 2xx + ${rejouees} requests cut by the end, replayed (${ok.size} distinct ids)`);
    if (declarations.non2xx > 0) throw new Error(`${declarations.non2xx} declarations answered non-2xx: ${JSON.stringify(declarations.statusCodes)}`);
    if (ok.size !== declarations.ok + rejouees) throw new Error(`${declarations.ok + rejouees} answers 2xx for ${ok.size} distinct declarations`);
    if (manquantes.length > 0) throw new Error(`${manquantes.length} declarations answered 2xx are not in the log once (first: ${manquantes[0]})`);
    if (declarees !== ok.size) throw new Error(`the log holds ${declarees} HeuresDeclarees for ${ok.size} declarations answered 2xx`);

    const result = {
      date: new Date().toISOString(),
      postgres: { version: server.version, settings: server.settings, server: process.env.BENCH_DATABASE_URL ? 'external' : 'embedded' },
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), totalMemGiB: round(totalmem() / 1024 ** 3, 1), node: process.version, loadavg: loadavg() },
      params: { connections: options.connections, durationSeconds: options.duration, placements: placements.length, marches: MARCHES, cpuProf: Boolean(options.cpuProf), projectors: options.projectors, apiMain: options.apiMain },
      seedSeconds: round(seedSeconds, 1),
      health,
      declarations,
      ratio: round(declarations.requestsPerSecond / Math.max(1, health.requestsPerSecond), 3),
      peakRssMiB: Math.max(health.peakRssMiB, declarations.peakRssMiB, declarations.hwmMiB),
      verification,
      totalSeconds: round((performance.now() - started) / 1000, 1),
    };
    report(result);
    console.log(`--json ${JSON.stringify(result)}`);
    if (options.json) {
      mkdirSync(join('bench', 'results'), { recursive: true });
      const path = join('bench', 'results', `http-${result.date.slice(0, 10)}.json`);
      writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
      progress(`written ${path}`);
    }
  } finally {
    if (api) await stopApi(api);
    await app?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One autocannon run, with the api's memory sampled meanwhile. */
async function measured(api: ApiChild, label: string, run: () => Promise<AutocannonResult>): Promise<Run> {
  process.stderr.write(`  ${label} ... `);
  let peakRssKb = memoire(api.child.pid).rssKb;
  const timer = setInterval(() => (peakRssKb = Math.max(peakRssKb, memoire(api.child.pid).rssKb)), RSS_SAMPLE_MS);
  const t0 = performance.now();
  const cpu0 = cpuMs(api.child.pid);
  let r: AutocannonResult;
  try {
    r = await run();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - t0) / 1000;
  const { hwmKb } = memoire(api.child.pid);
  const cpu = cpuMs(api.child.pid) - cpu0;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]));
  const run_: Run = {
    label,
    requestsPerSecond: round(r.requests.total / r.duration, 1),
    total: r.requests.total,
    sent: r.requests.sent ?? r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    latencyMs: { average: round(r.latency.average, 2), p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max },
    peakRssMiB: round(peakRssKb / 1024, 1),
    hwmMiB: round(hwmKb / 1024, 1),
    apiCpuMsPerRequest: round(cpu / Math.max(1, r.requests.total), 3),
    seconds: round(seconds, 2),
  };
  process.stderr.write(
    `${int(run_.requestsPerSecond)} req/s, p50 ${run_.latencyMs.p50} ms, p99 ${run_.latencyMs.p99} ms, non-2xx ${run_.non2xx}, api CPU ${fixed(run_.apiCpuMsPerRequest, 2)} ms/request\n`,
  );
  return run_;
}

/** VmRSS and VmHWM of a process, kB (0 where unreadable). */
function memoire(pid: number | undefined): { rssKb: number; hwmKb: number } {
  return { rssKb: statusKb(pid, 'VmRSS') ?? 0, hwmKb: statusKb(pid, 'VmHWM') ?? 0 };
}

/** utime + stime of a process, in ms (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    // The command name may hold spaces: the fields are counted after its closing parenthesis.
    const champs = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(champs[11]) + Number(champs[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function loadavg(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

async function countEvents(pool: Pool, type: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE type = $1', [type]);
  return Number(rows[0].n);
}

function enTetes(jeton: string, cle: string): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${jeton}`, 'idempotency-key': cle };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function report(r: {
  postgres: { version: string; settings: string; server: string };
  machine: { cpus: number; cpuModel?: string; totalMemGiB: number; node: string; loadavg: number[] };
  params: { connections: number; durationSeconds: number; placements: number; projectors: boolean };
  health: Run;
  declarations: Run;
  ratio: number;
  peakRssMiB: number;
  verification: { reponses2xx: number; rejouees: number; heuresDeclareesDansLeLog: number };
}): void {
  const md = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const ligne = (run: Run, nom: string) =>
    md([
      nom,
      int(run.requestsPerSecond),
      int(run.total),
      fixed(run.latencyMs.p50, 0),
      fixed(run.latencyMs.p97_5, 0),
      fixed(run.latencyMs.p99, 0),
      String(run.non2xx),
      String(run.errors + run.timeouts),
      fixed(run.peakRssMiB, 0),
      fixed(run.hwmMiB, 0),
      fixed(run.apiCpuMsPerRequest, 2),
    ]);
  console.log(
    [
      '',
      `bench:http — ${r.params.connections} connections, ${r.params.durationSeconds} s each; PostgreSQL ${r.postgres.version} (${r.postgres.server}, ${r.postgres.settings}); ` +
        `${r.machine.cpus} CPUs (${r.machine.cpuModel ?? '?'}), ${r.machine.totalMemGiB} GiB, Node ${r.machine.node}, load ${r.machine.loadavg.join(' ')}`,
      `api: child process, ${r.params.projectors ? 'projectors in process' : 'NO projectors (diagnosis)'}, LOG_LEVEL=warn, rate limits raised; ${int(r.params.placements)} placements × 12 months available`,
      '',
      md(['route', 'req/s', 'requests', 'p50 ms', 'p97.5 ms', 'p99 ms', 'non-2xx', 'errors', 'peak RSS MiB', 'VmHWM MiB', 'api CPU ms/request']),
      md(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      ligne(r.health, 'GET /health'),
      ligne(r.declarations, 'POST /api/placements/{id}/heures'),
      '',
      `declarations / health: **${fixed(r.ratio * 100, 1)} %** of the request rate; api peak RSS ${fixed(r.peakRssMiB, 0)} MiB`,
      `log: exactly ${int(r.verification.heuresDeclareesDansLeLog)} HeuresDeclarees for ${int(r.verification.reponses2xx)} answers 2xx during the run ` +
        `+ ${r.verification.rejouees} requests cut by its end, sent again with their Idempotency-Key after it`,
      '',
    ].join('\n'),
  );
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

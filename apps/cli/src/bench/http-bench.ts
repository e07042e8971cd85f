import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Command } from 'commander';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { CommandExecutor, marcheVu, rattacher, type CommandContext } from '@suivi/commands';
import { validateConfig } from '@suivi/config';
import {
  cleDeLuhn,
  placementStream,
  salarieDecider,
  salarieStream,
  type Decider,
  type MarcheVu,
  type SalarieCommand,
  type SalarieEvent,
  type SalarieState,
} from '@suivi/domain';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { enParallele } from '@suivi/imports';
import { PersonalDataProtection, PersonalKeys } from '@suivi/personal-data';
import { EnregistrerDonneurOrdreCommand, EnregistrerDonneurOrdreHandler } from '../../../api/src/donneurs-ordre/donneurs-ordre.handlers';
import { EnregistrerEntrepriseCommand, EnregistrerEntrepriseHandler } from '../../../api/src/entreprises/entreprises.handlers';
import { EnregistrerMarcheCommand, EnregistrerMarcheHandler, ModifierMarcheCommand, ModifierMarcheHandler } from '../../../api/src/marches/marches.handlers';
import { OuvrirOperationCommand, OuvrirOperationHandler } from '../../../api/src/operations/operations.handlers';
import { CliModule } from '../cli.module';
import { freePort, openBenchDatabase, serverInfo } from './bench-database';
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
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const SEED_CONCURRENCY = 16;
const FACILITATRICE = 'bench-facilitatrice';
const BENCH_USER = 'bench:http';
const HEALTH_TIMEOUT_MS = 180_000;
const READY_TIMEOUT_MS = 300_000;
const RSS_SAMPLE_MS = 100;
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** dist/, seen from dist/apps/cli/src/bench. */
const DIST = join(__dirname, '..', '..', '..', '..');
const CLI_MAIN = join(DIST, 'apps', 'cli', 'src', 'main.js');
const API_MAIN = join(DIST, 'apps', 'api', 'src', 'main.js');

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
  for (const [chemin, quoi] of [
    [CLI_MAIN, 'the compiled CLI'],
    [options.apiMain, 'the compiled api'],
  ] as const) {
    if (!existsSync(chemin)) throw new Error(`${quoi} is missing (${chemin}): run the build first`);
  }
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
    const executor = new CommandExecutor(
      app.get<EventStore>(EVENT_STORE),
      new PersonalDataProtection(new PersonalKeys(app.get(DataSource), Buffer.from(masterKey, 'base64'))),
    );
    const marches = await seedReferentiel(executor);
    const placements = await seedPlacements(executor, marches, options.placements);
    await app.close();
    app = null;
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    progress(`  seeded in ${fixed(seedSeconds, 1)} s`);

    // 2. The user, then the api.
    const port = await freePort();
    const env = childEnv(db.url, dataDir, port, masterKey, authSecret, options.projectors);
    const user = await runChild([CLI_MAIN, 'users:create', '--identifiant', FACILITATRICE, '--role', 'facilitatrice', '--mot-de-passe', motDePasse], env);
    if (user.exitCode !== 0) throw new Error(`users:create: exit ${user.exitCode}\n${user.stderr.slice(-4000)}`);
    if (options.cpuProf) mkdirSync(options.cpuProf, { recursive: true });
    const nodeArgs = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProf] : [];
    progress(`starting the api on port ${port}${options.cpuProf ? ` (CPU profile into ${options.cpuProf})` : ''} ...`);
    api = startApi(env, [...nodeArgs, options.apiMain]);
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, api);
    if (options.projectors) await waitForReady(base, api);
    const jeton = await connexion(base, FACILITATRICE, motDePasse);
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

function memoire(pid: number | undefined): { rssKb: number; hwmKb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    // Gone or not Linux: no figure rather than a wrong one.
    return { rssKb: 0, hwmKb: 0 };
  }
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

// ---------------------------------------------------------------------------------------------
// Seed (as bench:import: the API's handlers and the salarié's decider, through the executor)
// ---------------------------------------------------------------------------------------------

interface Marche {
  marcheId: string;
  entrepriseId: string;
  vu: MarcheVu;
}

function contexte(): CommandContext {
  return { userId: BENCH_USER, correlationId: randomUUID(), causationId: null, now: new Date() };
}

async function seedReferentiel(executor: CommandExecutor): Promise<Marche[]> {
  const entrepriseHandler = new EnregistrerEntrepriseHandler(executor);
  const entreprises = await enParallele(
    Array.from({ length: ENTREPRISES }, (_, e) => e),
    SEED_CONCURRENCY,
    async (e) => {
      const base = String(100000000000 + 515_151_000 + e).padStart(13, '0').slice(-13);
      const { id } = await entrepriseHandler.execute(
        new EnregistrerEntrepriseCommand({ siret: base + cleDeLuhn(base), raisonSociale: `Charge ${e} SAS`, type: 'classique' }, contexte()),
      );
      return id;
    },
  );
  const donneurHandler = new EnregistrerDonneurOrdreHandler(executor);
  const operationHandler = new OuvrirOperationHandler(executor);
  const marcheHandler = new EnregistrerMarcheHandler(executor);
  const modifierHandler = new ModifierMarcheHandler(executor);
  return enParallele(
    Array.from({ length: MARCHES }, (_, m) => m),
    SEED_CONCURRENCY,
    async (m) => {
      const { id: donneurOrdreId } = await donneurHandler.execute(
        new EnregistrerDonneurOrdreCommand({ nom: `Commune ${m}`, type: 'collectivite', region: 'Bourgogne-Franche-Comté' }, contexte()),
      );
      const { id: operationId } = await operationHandler.execute(new OuvrirOperationCommand({ donneurOrdreId, nom: `Opération ${m}`, commune: 'Dijon' }, contexte()));
      const { id: marcheId } = await marcheHandler.execute(
        new EnregistrerMarcheCommand(
          {
            donneurOrdreId,
            operationId,
            numero: `2025-HTTP-${String(m).padStart(3, '0')}`,
            objet: `Réhabilitation ${m}`,
            secteur: 'btp',
            sousSecteur: 'batiment',
            baseJuridique: 'L2112-2',
            heuresPrevues: 100_000,
            dateDebut: '2025-01-01',
            dateFin: '2025-12-31',
          },
          contexte(),
        ),
      );
      const entrepriseId = entreprises[m % ENTREPRISES];
      await modifierHandler.execute(new ModifierMarcheCommand(marcheId, { type: 'attribution', dto: { entrepriseId, role: 'titulaire' } }, contexte()));
      const vu = await marcheVu(executor, marcheId);
      if (!vu) throw new Error(`marché ${marcheId} not found after its registration`);
      return { marcheId, entrepriseId, vu };
    },
  );
}

/** A person's registration, eligibility and placement decided in a row and appended at once (the salarié decider's rules). */
const salarieEnSuite: Decider<SalarieCommand[], SalarieEvent, SalarieState> = {
  initialState: salarieDecider.initialState,
  evolve: salarieDecider.evolve,
  decide(commands, state) {
    const events: SalarieEvent[] = [];
    let current = state;
    for (const command of commands) {
      const decided = salarieDecider.decide(command, current);
      current = decided.reduce(salarieDecider.evolve, current);
      events.push(...decided);
    }
    return events;
  },
};

/** Each person: the placement locator first (as DemarrerPlacementHandler), then the salarié's events; answers the placement ids. */
async function seedPlacements(executor: CommandExecutor, marches: Marche[], total: number): Promise<string[]> {
  let faits = 0;
  const placements = await enParallele(
    Array.from({ length: total }, (_, i) => i),
    SEED_CONCURRENCY,
    async (i): Promise<string> => {
      const salarieId = randomUUID();
      const placementId = randomUUID();
      const marche = marches[i % marches.length];
      const context = contexte();
      const { now } = context;
      await executor.execute({
        streamId: salarieStream(salarieId),
        decider: salarieEnSuite,
        context,
        command: (): SalarieCommand[] => [
          {
            type: 'EnregistrerSalarie',
            salarieId,
            nom: `Nom${i}`,
            prenom: `Prénom${i}`,
            sexe: i % 2 === 0 ? 'F' : 'M',
            dateNaissance: new Date(Date.UTC(1970, 0, 1) + (i % 12_000) * 86_400_000).toISOString().slice(0, 10),
            adresse: null,
            commune: 'Dijon',
            quartierQpv: null,
            niveauFormation: 'infra_3',
            now,
          },
          { type: 'ValiderEligibilite', criteres: ['brsa'], dateValidation: '2024-12-15', precision: null, validePar: context.userId, now },
          {
            type: 'DemarrerPlacement',
            placementId,
            marcheId: marche.marcheId,
            entrepriseId: marche.entrepriseId,
            entrepriseUtilisatriceId: null,
            modalite: 'embauche_directe',
            typeContrat: 'cdi',
            dateDebut: '2025-01-02',
            now,
            marche: marche.vu,
            entreprise: { type: 'classique' },
          },
        ],
        reserve: () =>
          rattacher(executor, placementStream(placementId), { type: 'PlacementRattache', data: { placementId, salarieId } }, context, async () => {
            const { state } = await executor.load(salarieDecider, salarieStream(salarieId));
            return state.existe && placementId in state.placements;
          }),
      });
      if (++faits % 500 === 0) process.stderr.write(`\r  ${faits}/${total} people`);
      return placementId;
    },
  );
  process.stderr.write(`\r  ${total}/${total} people\n`);
  return placements;
}

async function countEvents(pool: Pool, type: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE type = $1', [type]);
  return Number(rows[0].n);
}

// ---------------------------------------------------------------------------------------------
// The api and the CLI, as child processes
// ---------------------------------------------------------------------------------------------

function childEnv(databaseUrl: string, dataDir: string, port: number, masterKey: string, authSecret: string, projectors: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    DATA_DIR: dataDir,
    AUTH_SECRET: authSecret,
    PERSONAL_DATA_KEY: masterKey,
    EVENT_STORE: 'postgres',
    PROJECTORS_IN_PROCESS: String(projectors),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_WRITES_PER_SECOND: '100000',
    RATE_LIMIT_READS_PER_SECOND: '100000',
  };
  for (const name of ['NODE_ENV', 'BENCH_DATABASE_URL', 'EMBEDDED_PG_DATA_DIR', 'EMBEDDED_PG_PORT', 'PROJECTIONS', 'EVENTSTORE_URL']) delete env[name];
  return env;
}

async function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { exitCode, stdout, stderr };
}

interface ApiChild {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  exitCode?: number | null;
}

function startApi(env: NodeJS.ProcessEnv, args: string[]): ApiChild {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(d.toString('utf8'));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const api: ApiChild = { child, output, exited: Promise.resolve(null) };
  api.exited = new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => {
      api.exitCode = code;
      resolve(code);
    });
  });
  return api;
}

async function stopApi(api: ApiChild): Promise<void> {
  if (api.exitCode !== undefined) return;
  api.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 20_000)));
  if ((await Promise.race([api.exited, late])) === 'late') {
    progress('the api did not stop within 20 s after SIGTERM: killed');
    api.child.kill('SIGKILL');
    await api.exited;
  }
  clearTimeout(timer);
}

function apiDied(api: ApiChild): Error {
  return new Error(`the api exited with ${api.exitCode}\n${api.output.join('').slice(-4000)}`);
}

async function waitForHealth(base: string, api: ApiChild): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (api.exitCode !== undefined) throw apiDied(api);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`GET /health did not answer within ${HEALTH_TIMEOUT_MS / 1000} s\n${api.output.join('').slice(-4000)}`);
}

/** Every projection at the head of the log: nothing catches up in the background while we measure. */
async function waitForReady(base: string, api: ApiChild): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (api.exitCode !== undefined) throw apiDied(api);
    const res = await fetch(`${base}/ready`);
    const body = (await res.json()) as { pret: boolean; projections: Array<{ name: string; lag: number }> };
    last = JSON.stringify(body);
    if (res.ok && body.pret && body.projections.every((p) => p.lag === 0)) return;
    await sleep(250);
  }
  throw new Error(`the projections did not catch up within ${READY_TIMEOUT_MS / 1000} s: ${last}`);
}

async function connexion(base: string, identifiant: string, motDePasse: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/connexion`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ identifiant, motDePasse }),
  });
  const body = (await res.json()) as { jeton?: string };
  if (!res.ok || !body.jeton) throw new Error(`POST /api/auth/connexion (${identifiant}): ${res.status} ${JSON.stringify(body)}`);
  return body.jeton;
}

function enTetes(jeton: string, cle: string): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${jeton}`, 'idempotency-key': cle };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

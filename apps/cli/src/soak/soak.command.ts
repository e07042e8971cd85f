import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { type Command } from 'commander';
import { Pool } from 'pg';
import { validateConfig } from '@suivi/config';
import { CliModule } from '../cli.module';
import { API_MAIN, apiEnv, CLI_MAIN, checkChild, requireBuilt, runChild, signIn, startApi, stopApi, waitForHealth, waitForReady, type ApiChild } from '../bench/api-process';
import { freePort, openBenchDatabase } from '../bench/bench-database';
import { benchExecutor, seedPeople, seedReferentiel } from '../bench/bench-people';
import { positiveInt } from '../bench/options';
import { acheteur, auditeur, coordination, facilitatrice, type Acknowledged, type Context, type Role, type Tally } from './charge';
import { CROISSANCE_MAX, RssSampler, type MemoireRun } from './memoire';

/**
 * `soak`: the service as its users use it, for a bounded time, then a full consistency check.
 *
 * A throwaway database (BENCH_DATABASE_URL's server, or an embedded PostgreSQL) seeded with marchés of
 * 2025 and people each with a placement; one user per role; the api as a child process with its
 * in-process projectors. Clients of every role loop until the deadline: facilitatrices declare months,
 * correct some and import small timesheets (each write with its Idempotency-Key, sent again after a
 * transport failure or a 5xx), read their to-do lists and placements and download the bilan; acheteurs
 * read their marchés, a compliance and their indicators and download their list; the coordination reads
 * its marchés and figures; an auditor reads the journal, streams and the figures as of the last write.
 * The api's RSS is sampled every second.
 *
 * Then, once the projections have caught up: every request got the answer its role expects (no 5xx,
 * no unexpected 4xx); the hours the api acknowledged (each month as last declared, corrected or
 * imported) equal the log's (each declaration's last value) and the national indicators'; every month
 * is declared once in the log; `audit:verify` finds every projection equal to a replay of the log; the
 * RSS does not keep growing once warm. Exit code 1 if any of these fails.
 */

interface SoakOptions {
  duree: number;
  clients: number;
  personnes: number;
  graine: number;
  json?: boolean;
}

const MARCHES = 12;
const ENTREPRISES = 6;
const SOAK_USER = 'soak';
const RSS_SAMPLE_MS = 1_000;
const IDENTIFIANTS: Record<Role, string> = {
  facilitatrice: 'soak-facilitatrice',
  acheteur: 'soak-acheteur',
  coordination: 'soak-coordination',
  auditeur: 'soak-auditeur',
};

export function registerSoakCommand(program: Command): void {
  program
    .command('soak')
    .description('every role using the api for a bounded time (child api, throwaway database), then accepted hours = log = indicators = replay, no 5xx, RSS stable')
    .option('--duree <s>', 'seconds of load', positiveInt, 180)
    .option('--clients <n>', 'concurrent clients (half facilitatrices, the rest acheteurs, coordination and auditors)', positiveInt, 12)
    .option('--personnes <n>', 'people with a placement (12 months each to declare)', positiveInt, 1_500)
    .option('--graine <n>', 'seed of the clients’ choices', positiveInt, 20_251_124)
    .option('--json', 'also write bench/results/soak-<date>.json')
    .action(async (options: SoakOptions) => {
      const failed = await soak(options);
      // main.ts exits 0 after a command that returns: a failed check is an error.
      if (failed.length > 0) throw new Error(`soak: ${failed.length} check(s) failed: ${failed.join('; ')}`);
    });
}

/** The checks that failed (none: the soak passed). */
async function soak(options: SoakOptions): Promise<string[]> {
  const started = performance.now();
  requireBuilt([
    [CLI_MAIN, 'the compiled CLI'],
    [API_MAIN, 'the compiled api'],
  ]);
  const masterKey = randomBytes(32).toString('base64');
  const authSecret = randomBytes(48).toString('base64url');
  const motDePasse = randomBytes(18).toString('base64url');
  const config = validateConfig({ ...process.env, EVENT_STORE: 'postgres', PERSONAL_DATA_KEY: masterKey, LOG_LEVEL: 'warn' });
  progress(process.env.BENCH_DATABASE_URL ? 'creating a soak database on BENCH_DATABASE_URL' : 'starting a throwaway embedded PostgreSQL');
  const db = await openBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2, application_name: 'suivi-soak' });
  pool.on('error', () => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'suivi-soak-'));
  let api: ApiChild | null = null;
  try {
    // 1. Seed, through the real deciders.
    progress(`seeding ${MARCHES} marchés and ${options.personnes} people with a placement each`);
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    let marches;
    let personnes;
    try {
      const executor = benchExecutor(app, masterKey);
      marches = await seedReferentiel(executor, {
        marches: MARCHES,
        entreprises: ENTREPRISES,
        concurrency: 8,
        userId: SOAK_USER,
        siretFrom: 616_161_000,
        raisonSociale: (e) => `Endurance ${e} SARL`,
        numero: (m) => `2025-SOAK-${String(m).padStart(3, '0')}`,
      });
      personnes = await seedPeople(executor, marches, options.personnes, {
        concurrency: 8,
        userId: SOAK_USER,
        identity: (i) => ({
          nom: `Durand${i}`,
          prenom: `Camille${i}`,
          dateNaissance: new Date(Date.UTC(1975, 0, 1) + (i % 9_000) * 86_400_000).toISOString().slice(0, 10),
          quartierQpv: i % 4 === 0 ? 'Grésilles' : null,
        }),
      });
    } finally {
      await app.close();
    }
    const { rows: donneur } = await pool.query<{ id: string }>(
      `SELECT data->>'donneurOrdreId' AS id FROM event_store.events WHERE type = 'MarcheEnregistre' AND data->>'marcheId' = $1`,
      [marches[0].marcheId],
    );

    // 2. One user per role, then the api.
    const port = await freePort();
    const env = apiEnv({ databaseUrl: db.url, port, dataDir, authSecret, personalDataKey: masterKey, raiseRateLimits: true });
    for (const role of Object.keys(IDENTIFIANTS) as Role[]) {
      const args = [CLI_MAIN, 'users:create', '--identifiant', IDENTIFIANTS[role], '--role', role, '--mot-de-passe', motDePasse];
      if (role === 'acheteur') args.push('--donneur-ordre', donneur[0].id);
      checkChild(await runChild(args, env), `users:create ${role}`);
    }
    api = startApi(env);
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, api);
    await waitForReady(base, api);
    const tokens = {} as Record<Role, string>;
    for (const role of Object.keys(IDENTIFIANTS) as Role[]) tokens[role] = await signIn(base, IDENTIFIANTS[role], motDePasse);

    // 3. The load.
    const facilitatrices = Math.max(1, Math.ceil(options.clients / 2));
    const autres = options.clients - facilitatrices;
    progress(`${options.duree} s of load: ${facilitatrices} facilitatrice(s), ${autres} other client(s) (acheteur, coordination, auditeur in turn); api RSS every second`);
    const acknowledged: Acknowledged = { hours: new Map(), declarations: new Map() };
    const ctx: Context = {
      base,
      deadline: performance.now() + options.duree * 1000,
      tokens,
      tallies: new Map(),
      acknowledged,
      // The acheteur's own marché first (its compliance answers 200), then others' (404: out of scope).
      marcheIds: marches.map((m) => m.marcheId),
      streamIds: [...marches.slice(0, 5).map((m) => `marche-${m.marcheId}`), ...personnes.slice(0, 20).map((p) => `salarie-${p.salarieId}`)],
      lastPosition: 0,
    };
    const rss = new RssSampler(api.child.pid, RSS_SAMPLE_MS).start();
    const roles = [acheteur, coordination, auditeur];
    await Promise.all([
      ...Array.from({ length: facilitatrices }, (_, k) =>
        facilitatrice(ctx, personnes.filter((_, i) => i % facilitatrices === k), options.graine + k),
      ),
      ...Array.from({ length: autres }, (_, k) => roles[k % roles.length](ctx, options.graine + 1_000 + k)),
    ]);
    const memoire = rss.stop();
    if (api.exitCode !== undefined) throw new Error(`the api died during the soak (exit ${api.exitCode})\n${api.output.join('').slice(-4000)}`);

    // 4. Checks, once every projection has caught up.
    progress('waiting for the projections to catch up, then checking');
    await waitForReady(base, api);
    const verification = await verifier(pool, base, tokens.facilitatrice, acknowledged, db.url, env);
    const requetes = [...ctx.tallies].map(([kind, t]) => resume(kind, t)).sort((a, b) => a.kind.localeCompare(b.kind));
    const inattendues = requetes.reduce((n, r) => n + Object.values(r.unexpected).reduce((a, b) => a + b, 0), 0);
    const erreurs5xx = requetes.reduce((n, r) => n + Object.entries(r.unexpected).filter(([s]) => Number(s) >= 500).reduce((a, [, c]) => a + c, 0), 0);
    const checks = {
      'no unexpected answer (no 5xx)': inattendues === 0,
      'acknowledged hours = log': verification.heuresAcquittees === verification.heuresDuJournal,
      'acknowledged hours = national indicators': verification.heuresAcquittees === verification.heuresIndicateurs,
      'every month declared once in the log': verification.moisEnDouble === 0 && verification.moisDuJournal === acknowledged.hours.size,
      'projections = replay (audit:verify)': verification.auditVerify === 0,
      [`RSS stable (last third within ${CROISSANCE_MAX * 100} % of the middle one)`]: memoire.growth <= CROISSANCE_MAX,
    };
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavg: loadavg().map((x) => Math.round(x * 10) / 10) },
      params: { ...options, marches: MARCHES },
      requetes,
      total: { requetes: requetes.reduce((n, r) => n + r.ok + r.unexpectedCount, 0), inattendues, erreurs5xx },
      ecritures: { moisAcquittes: acknowledged.hours.size, declarationsHttp: acknowledged.declarations.size },
      verification,
      memoire: { ...memoire, samplesMiB: undefined, samples: memoire.samplesMiB.length },
      checks,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    report(result, memoire);
    console.log(`--json ${JSON.stringify(result)}`);
    if (options.json) {
      mkdirSync(join('bench', 'results'), { recursive: true });
      const path = join('bench', 'results', `soak-${result.date.slice(0, 10)}.json`);
      writeFileSync(path, `${JSON.stringify({ ...result, memoire }, null, 2)}\n`);
      progress(`written ${path}`);
    }
    return Object.entries(checks).filter(([, ok]) => !ok).map(([what]) => what);
  } finally {
    if (api) await stopApi(api);
    await pool.end().catch(() => undefined);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Verification {
  heuresAcquittees: number;
  heuresDuJournal: number;
  heuresIndicateurs: number;
  moisDuJournal: number;
  moisEnDouble: number;
  auditVerify: number | null;
}

/** Hours in hundredths (integers: sums compare exactly). */
const centiemes = (h: number) => Math.round(h * 100);

async function verifier(pool: Pool, base: string, jeton: string, acknowledged: Acknowledged, url: string, env: NodeJS.ProcessEnv): Promise<Verification> {
  const heuresAcquittees = [...acknowledged.hours.values()].reduce((s, h) => s + centiemes(h), 0);
  // Each declaration's last value in log order: its declaration, then its corrections.
  const { rows: journal } = await pool.query<{ centiemes: string | null; mois: string; doubles: string }>(`
    WITH d AS (
      SELECT data->>'declarationId' AS id, round((data->>'heures')::numeric * 100) AS c, position
      FROM event_store.events WHERE type IN ('HeuresDeclarees', 'HeuresCorrigees')),
    mois AS (
      SELECT data->>'placementId' AS placement, data->>'mois' AS mois, count(*) AS n
      FROM event_store.events WHERE type = 'HeuresDeclarees' GROUP BY 1, 2)
    SELECT (SELECT sum(c) FROM (SELECT DISTINCT ON (id) c FROM d ORDER BY id, position DESC) x) AS centiemes,
           (SELECT count(*) FROM mois) AS mois,
           (SELECT count(*) FROM mois WHERE n > 1) AS doubles`);
  const res = await fetch(`${base}/api/indicateurs?du=2025-01-01&au=2025-12-31`, { headers: { Authorization: `Bearer ${jeton}`, Accept: 'application/json' } });
  const indicateurs = (await res.json()) as { heuresRealisees?: number };
  if (!res.ok || typeof indicateurs.heuresRealisees !== 'number') throw new Error(`GET /api/indicateurs: ${res.status} ${JSON.stringify(indicateurs).slice(0, 300)}`);
  const audit = await runChild([CLI_MAIN, 'audit:verify'], { ...env, DATABASE_URL: url });
  if (audit.exitCode !== 0) progress(`audit:verify:\n${audit.stdout.slice(-3000)}${audit.stderr.slice(-2000)}`);
  return {
    heuresAcquittees,
    heuresDuJournal: Number(journal[0].centiemes ?? 0),
    heuresIndicateurs: centiemes(indicateurs.heuresRealisees),
    moisDuJournal: Number(journal[0].mois),
    moisEnDouble: Number(journal[0].doubles),
    auditVerify: audit.exitCode,
  };
}

function resume(kind: string, t: Tally) {
  const sorted = [...t.latenciesMs].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10);
  return {
    kind,
    ok: t.ok,
    unexpected: t.unexpected,
    unexpectedCount: Object.values(t.unexpected).reduce((a, b) => a + b, 0),
    transportErrors: t.transportErrors,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

function report(
  r: { requetes: ReturnType<typeof resume>[]; total: { requetes: number; inattendues: number }; verification: Verification; checks: Record<string, boolean>; seconds: number },
  memoire: MemoireRun,
): void {
  const lines = [
    '',
    `soak: ${r.total.requetes} requests in ${r.seconds} s in all`,
    ...r.requetes.map((q) => `  ${q.kind.padEnd(44)} ${String(q.ok).padStart(6)} ok  p50 ${q.p50Ms} ms  p99 ${q.p99Ms} ms${q.unexpectedCount ? `  UNEXPECTED ${JSON.stringify(q.unexpected)}` : ''}`),
    `  hours (hundredths): acknowledged ${r.verification.heuresAcquittees}, log ${r.verification.heuresDuJournal}, indicators ${r.verification.heuresIndicateurs}; months in the log ${r.verification.moisDuJournal}, twice ${r.verification.moisEnDouble}`,
    `  api RSS: peak ${memoire.peakMiB} MiB, middle third ${memoire.middleMeanMiB} MiB, last third ${memoire.lastMeanMiB} MiB (growth ${memoire.growth}), slope ${memoire.slopeMiBPerMinute} MiB/min`,
    ...Object.entries(r.checks).map(([what, ok]) => `  ${ok ? 'ok  ' : 'FAIL'} ${what}`),
  ];
  console.log(lines.join('\n'));
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * The api and the CLI as child processes, for the benches (bench:http, bench:web, bench:import,
 * bench --scale): a bench measures them as a user runs them, with their own process (RSS, CPU)
 * and their own start, so each is spawned from the compiled dist/.
 */

/** dist/, seen from dist/apps/cli/src/bench. */
export const DIST = join(__dirname, '..', '..', '..', '..');
export const CLI_MAIN = join(DIST, 'apps', 'cli', 'src', 'main.js');
export const API_MAIN = join(DIST, 'apps', 'api', 'src', 'main.js');

/**
 * The api's heap cap, as `npm start` (package.json) and the image (docker/api.Dockerfile) run it:
 * the benches measure the api as it runs. With the default limit (2-4 GB) V8 lets garbage pile up to
 * 310-340 MB of RSS under bench:http; a cap makes it collect sooner: about 190 MB at 512 MB, as at
 * 256 MB, but 256 MB cost about 0.4 ms more CPU per declaration (major GCs far more often) where
 * 512 MB costs about 0.15 (2026-11-24, noisy machine). The live heap is about 50 MB; the largest
 * requests fit well under it (a 200,000-row timesheet import ran under 256 MB; XLSX exports are
 * written row by row).
 */
export const API_NODE_OPTIONS = ['--max-old-space-size=512'];

export const HEALTH_TIMEOUT_MS = 180_000;
export const READY_TIMEOUT_MS = 300_000;
/** How long the api has to stop after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 20_000;
/** Lines of output kept of a running api, shown when it dies. */
const OUTPUT_KEPT = 200;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops at once, saying what to build, when one of the compiled files a child process needs is missing. */
export function requireBuilt(fichiers: ReadonlyArray<readonly [chemin: string, quoi: string]>): void {
  for (const [chemin, quoi] of fichiers) {
    if (!existsSync(chemin)) throw new Error(`${quoi} is missing (${chemin}): run npm run build first`);
  }
}

// ---------------------------------------------------------------------------------------------
// The api's environment
// ---------------------------------------------------------------------------------------------

export interface ApiEnvOptions {
  databaseUrl: string;
  port: number;
  /** The api's DATA_DIR: a folder of the run, so that nothing is read from or written to ./.data. */
  dataDir: string;
  authSecret: string;
  personalDataKey: string;
  /** PROJECTORS_IN_PROCESS (default true). */
  projectors?: boolean;
  /**
   * The per-user rate limits raised out of reach: a bench's few, fast clients are what they exist
   * to stop, and a 429 measures the limiter, not the request path.
   */
  raiseRateLimits?: boolean;
}

/** The environment of an api (or CLI) child on a bench database: the bench's own settings never leak into it. */
export function apiEnv(o: ApiEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    PORT: String(o.port),
    DATA_DIR: o.dataDir,
    AUTH_SECRET: o.authSecret,
    PERSONAL_DATA_KEY: o.personalDataKey,
    EVENT_STORE: 'postgres',
    PROJECTORS_IN_PROCESS: String(o.projectors ?? true),
    LOG_LEVEL: 'warn',
  };
  if (o.raiseRateLimits) {
    env.RATE_LIMIT_WRITES_PER_SECOND = '100000';
    env.RATE_LIMIT_READS_PER_SECOND = '100000';
  }
  for (const name of ['NODE_ENV', 'BENCH_DATABASE_URL', 'EMBEDDED_PG_DATA_DIR', 'EMBEDDED_PG_PORT', 'PROJECTIONS', 'EVENTSTORE_URL']) delete env[name];
  return env;
}

// ---------------------------------------------------------------------------------------------
// A command run to its end (users:create, seed:demo, ...)
// ---------------------------------------------------------------------------------------------

export interface ChildRun {
  seconds: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** `node ...args` to its end, its output kept. */
export async function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { seconds: (performance.now() - t0) / 1000, exitCode, stdout, stderr };
}

/** Throws, with the end of its output, unless the child exited with 0. */
export function checkChild(run: Pick<ChildRun, 'exitCode' | 'stdout' | 'stderr'>, what: string): void {
  if (run.exitCode === 0) return;
  throw new Error(`${what}: the child exited with ${run.exitCode}\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-4000)}`);
}

// ---------------------------------------------------------------------------------------------
// The api, running
// ---------------------------------------------------------------------------------------------

export interface ApiChild {
  child: ChildProcess;
  /** The last chunks of its stdout and stderr, shown when it dies. */
  output: string[];
  exited: Promise<number | null>;
  /** Set once it has exited. */
  exitCode?: number | null;
}

/** `node ...args` (node options, then the api's main.js) with API_NODE_OPTIONS first, left running. */
export function startApi(env: NodeJS.ProcessEnv, args: string[] = [API_MAIN]): ApiChild {
  const child = spawn(process.execPath, [...API_NODE_OPTIONS, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(d.toString('utf8'));
    if (output.length > OUTPUT_KEPT) output.splice(0, output.length - OUTPUT_KEPT);
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

/** SIGTERM (the api closes its projectors and pool; a --cpu-prof is written then), SIGKILL if it takes longer than `graceMs`. */
export async function stopApi(api: ApiChild, graceMs = STOP_GRACE_MS): Promise<void> {
  if (api.exitCode !== undefined) return;
  api.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  if ((await Promise.race([api.exited, late])) === 'late') {
    process.stderr.write(`the api did not stop within ${graceMs / 1000} s after SIGTERM: killed\n`);
    api.child.kill('SIGKILL');
    await api.exited;
  }
  clearTimeout(timer);
}

export function apiDied(api: ApiChild): Error {
  return new Error(`the api exited with ${api.exitCode}\n${api.output.join('').slice(-4000)}`);
}

/** Until `GET /health` answers 2xx (the api listens); throws if the api exits first. */
export async function waitForHealth(base: string, api: ApiChild, timeoutMs = HEALTH_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exitCode !== undefined) throw apiDied(api);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`GET /health did not answer within ${timeoutMs / 1000} s\n${api.output.join('').slice(-4000)}`);
}

/** Every projection at the head of the log: nothing catches up in the background while we measure. */
export async function waitForReady(base: string, api: ApiChild, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (api.exitCode !== undefined) throw apiDied(api);
    const res = await fetch(`${base}/ready`);
    const body = (await res.json()) as { pret: boolean; projections: Array<{ name: string; lag: number }> };
    last = JSON.stringify(body);
    if (res.ok && body.pret && body.projections.every((p) => p.lag === 0)) return;
    await sleep(250);
  }
  throw new Error(`the projections did not catch up within ${timeoutMs / 1000} s: ${last}`);
}

/** `POST /api/auth/connexion`: the user's Bearer token. */
export async function signIn(base: string, identifiant: string, motDePasse: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/connexion`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ identifiant, motDePasse }),
  });
  const body = (await res.json()) as { jeton?: string };
  if (!res.ok || !body.jeton) throw new Error(`POST /api/auth/connexion (${identifiant}): ${res.status} ${JSON.stringify(body)}`);
  return body.jeton;
}

// ---------------------------------------------------------------------------------------------
// A process's memory (Linux /proc)
// ---------------------------------------------------------------------------------------------

/**
 * A field of /proc/<pid>/status in kB (VmRSS: resident now; VmHWM: the kernel's own peak RSS),
 * null where unreadable (the process is gone, or not Linux): no figure rather than a wrong one.
 */
export function statusKb(pid: number | 'self' | undefined, field: 'VmRSS' | 'VmHWM'): number | null {
  if (pid === undefined) return null;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

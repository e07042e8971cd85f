import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@suivi/database';

/**
 * Creates a fresh, uniquely named database on the server of `adminUrl`, so that test
 * files (and parallel jest workers) never share state.
 */
export async function createDatabase(adminUrl: string, prefix = 'test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs `fn` with a client connected to `url`, closed afterwards. */
export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file on the test server (see global-setup). */
export async function createMigratedTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global-setup)');
  const db = await createDatabase(adminUrl, prefix);
  await runMigrations(db.url);
  return db;
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';
import { freePort } from './processes';

/**
 * Gives every test a real PostgreSQL: the one named by TEST_DATABASE_URL when set (CI points
 * it at the machine's PostgreSQL 15), otherwise an embedded PostgreSQL 17 started here in a
 * temporary folder, so that a fresh clone needs nothing installed.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    console.log(`\ntests use PostgreSQL at ${redact(process.env.TEST_DATABASE_URL)}`);
    return;
  }
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'suivi-test-pg-')), port });
  process.env.TEST_DATABASE_URL = server.url;
  (globalThis as any).__embeddedPostgres = server;
  console.log(`\ntests use an embedded PostgreSQL 17 on port ${port}`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

import { runMigrations } from '@suivi/database';
import { createDatabase } from './test-databases';

/** A fresh, migrated database for one test file on the test server (see global-setup). */
export async function createMigratedTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global-setup)');
  const db = await createDatabase(adminUrl, prefix);
  await runMigrations(db.url);
  return db;
}

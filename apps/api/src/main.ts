import 'reflect-metadata';
import pino from 'pino';
import { resolveAuthSecret } from '@suivi/access';
import { resolveMasterKey } from '@suivi/personal-data';
import { validateConfig } from '@suivi/config';
import { openDatabase, runMigrations } from '@suivi/database';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { DataSource } from 'typeorm';
import { createApiApp, OPENAPI_PATH } from './api-app';
import { COMMENT_CREER_UN_ADMINISTRATEUR, sansAdministrateur } from './utilisateurs/premier-administrateur';

async function main(): Promise<void> {
  const config = validateConfig(process.env);
  const log = pino({ level: config.LOG_LEVEL });
  // Before anything else: a production api without a strong signing secret must not start at all.
  resolveAuthSecret(config);
  resolveMasterKey(config);
  const database = await openDatabase(config, (m) => log.info(m));
  await runMigrations(database.url);
  const app = await createApiApp({ config, databaseUrl: database.url });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received, shutting down`);
    // app.close drains HTTP and stops the projectors at a batch boundary; the embedded
    // PostgreSQL goes last, once nothing uses it.
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen(config.PORT);
  const base = `http://localhost:${config.PORT}`;
  log.info(
    { embeddedPostgres: database.embedded !== null, eventStore: config.EVENT_STORE },
    `suivi-clauses ready at ${base}/ (API: ${base}/api, docs: ${base}/${OPENAPI_PATH}, health: ${base}/health)`,
  );
  const store = app.get<EventStore>(EVENT_STORE);
  if ((await store.headPosition()) === 0) {
    log.info('the event store is empty: `npm run seed:demo` fills it with a demonstration year (2025), through the commands');
  }
  if ((await sansAdministrateur(store, app.get(DataSource))) === true) log.warn(COMMENT_CREER_UN_ADMINISTRATEUR);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import 'reflect-metadata';
import pino from 'pino';
import { validateConfig } from '@suivi/config';
import { openDatabase, runMigrations } from '@suivi/database';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { createApiApp, OPENAPI_PATH } from './api-app';

async function main(): Promise<void> {
  const config = validateConfig(process.env);
  const log = pino({ level: config.LOG_LEVEL });
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
    `suivi-clauses API ready at ${base}/api (docs: ${base}/${OPENAPI_PATH}, health: ${base}/health)`,
  );
  if ((await app.get<EventStore>(EVENT_STORE).headPosition()) === 0) {
    log.info('the event store is empty: `npm run seed:demo` fills it with a demonstration year (2025), through the commands');
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

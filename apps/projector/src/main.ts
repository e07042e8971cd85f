import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { validateConfig } from '@suivi/config';
import { openDatabase, runMigrations } from '@suivi/database';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const config = validateConfig(process.env);
  const log = pino({ level: config.LOG_LEVEL });
  const database = await openDatabase(config, (m) => log.info(m));
  await runMigrations(database.url);
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config, database.url), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  log.info('projector started');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal} received, stopping projectors at a batch boundary`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

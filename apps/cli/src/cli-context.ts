import { type INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { CommandContext } from '@suivi/commands';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { type AppConfig, validateConfig } from '@suivi/config';
import { type DatabaseConnection, openDatabase, runMigrations } from '@suivi/database';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, type Projection } from '@suivi/projections';
import { CliModule } from './cli.module';

export interface CliContext {
  config: AppConfig;
  database: DatabaseConnection;
  store: EventStore;
  dataSource: DataSource;
  projections: Projection[];
}

/** Opens the configured database (migrated) and store for one command, and closes them after. */
export async function withCliContext<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = validateConfig(process.env);
  const database = await openDatabase(config, (m) => process.stderr.write(`${m}\n`));
  let app: INestApplicationContext | null = null;
  try {
    await runMigrations(database.url);
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, database.url), { logger: ['error', 'warn'] });
    return await run({
      config,
      database,
      store: app.get<EventStore>(EVENT_STORE),
      dataSource: app.get(DataSource),
      projections: app.get<Projection[]>(PROJECTIONS),
    });
  } finally {
    await app?.close();
    await database.stop();
  }
}

/** Events written from the CLI are signed by the system account that ran it. */
export function cliContext(): CommandContext {
  return { userId: `cli:${userInfo().username}`, correlationId: randomUUID(), causationId: null, now: new Date() };
}

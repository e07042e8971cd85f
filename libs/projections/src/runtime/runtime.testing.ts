import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresEventStore, type EventToAppend } from '@suivi/event-store';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { StreamTypeCount } from '../stream-type-counts/stream-type-count.entity';
import type { Projection } from './projection';
import { ProjectionRunner, type RunnerLogLevel } from './projection-runner';

/**
 * What the runtime's specs run against: a fresh migrated database, its event store and a DataSource,
 * and live runners started on it (stopped by `stopRunners`, after each test).
 */
export async function openRuntimeTestBed(prefix: string) {
  const db = await createMigratedTestDatabase(prefix);
  const store = new PostgresEventStore({ connectionString: db.url, idleWakeUpMs: 200 });
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [StreamTypeCount] }).initialize();
  const runners: ProjectionRunner[] = [];
  return {
    db,
    store,
    dataSource,
    liveRunner(projection: Projection, options: ConstructorParameters<typeof ProjectionRunner>[4]) {
      const runner = new ProjectionRunner(projection, store, dataSource, db.url, options);
      runners.push(runner);
      runner.start();
      return runner;
    },
    async stopRunners() {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
    },
    async close() {
      await store.close();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

export function testEvent(type = 'Test', data: Record<string, unknown> = {}): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { schemaVersion: 1, occurredAt: new Date().toISOString(), userId: 'test', correlationId: randomUUID(), causationId: null },
  };
}

/** `count` events in a new stream of that type (`<type>-<uuid>`). */
export function appendTestEvents(store: PostgresEventStore, streamType: string, count: number) {
  return store.appendToStream(`${streamType}-${randomUUID()}`, Array.from({ length: count }, () => testEvent()), 'no_stream');
}

export async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A runner's `log` option that keeps what it is told, by level. */
export function logRecorder() {
  const entries: Array<{ level: RunnerLogLevel; message: string } & Record<string, unknown>> = [];
  return {
    log: (message: string, fields: Record<string, unknown>, level: RunnerLogLevel) => entries.push({ ...fields, level, message }),
    at: (level: RunnerLogLevel) => entries.filter((e) => e.level === level),
  };
}

/** The stream-type-counts read model, and the same counted straight from the log (what it must equal). */
export async function streamTypeCountsOf(dataSource: DataSource): Promise<Record<string, number>> {
  return Object.fromEntries((await dataSource.getRepository(StreamTypeCount).find()).map((r) => [r.streamType, r.events]));
}

export async function streamTypeCountsInLog(dataSource: DataSource): Promise<Record<string, number>> {
  const rows: Array<{ stream_type: string; n: number }> = await dataSource.query(`SELECT stream_type, count(*)::int AS n FROM event_store.events GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.stream_type, r.n]));
}

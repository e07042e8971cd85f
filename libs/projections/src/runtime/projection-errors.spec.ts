import { randomUUID } from 'node:crypto';
import { StreamTypeCountsProjection } from '../stream-type-counts/stream-type-counts.projection';
import type { Projection } from './projection';
import { projectionStatuses } from './projection-status';
import type { EntityManager } from 'typeorm';
import { PostgresEventStore, type RecordedEvent } from '@suivi/event-store';
import { ProjectionRunner } from './projection-runner';
import { appendTestEvents, logRecorder, openRuntimeTestBed, testEvent, until } from './runtime.testing';

/**
 * An event a projection cannot apply (real PostgreSQL errors, no mocks): the projection stops
 * just before it, visibly and durably, the others go on, and a fix resumes it from there.
 */
describe('projection stopped at an event it cannot apply', () => {
  let bed: Awaited<ReturnType<typeof openRuntimeTestBed>>;
  let db: typeof bed.db;
  let store: typeof bed.store;
  let dataSource: typeof bed.dataSource;
  const runners: ProjectionRunner[] = [];
  const options = { batchSize: 50, standbyRetryMs: 100, log: () => undefined };

  beforeAll(async () => {
    bed = await openRuntimeTestBed('poison');
    ({ db, store, dataSource } = bed);
    await dataSource.query(`CREATE SCHEMA test_applied`);
    // One row per event applied: the primary key refuses a second application of an event, and
    // the integer column cannot hold the `n` of the poison event (as a bigint cannot hold 1e20).
    await dataSource.query(`CREATE TABLE test_applied.applied (position bigint PRIMARY KEY, n integer NOT NULL)`);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await bed.close();
  });

  const run = (projection: Projection, extra: Partial<ConstructorParameters<typeof ProjectionRunner>[4]> = {}) => {
    const runner = new ProjectionRunner(projection, store, dataSource, db.url, { ...options, ...extra });
    runners.push(runner);
    runner.start();
    return runner;
  };
  const statusOf = async (name: string) => (await projectionStatuses([{ name } as Projection], store, dataSource))[0];
  const positionsIn = async (table: string): Promise<number[]> =>
    (await dataSource.query(`SELECT position::int FROM ${table} ORDER BY position`)).map((r: { position: number }) => r.position);
  const logPositions = () => positionsIn('event_store.events');

  it('stops at that event en_erreur, the others continue, and a restart with the fix resumes from it without skipping', async () => {
    const before = await store.headPosition();
    await appendTestEvents(store, 'marche', 70);
    const { position: poison } = await store.appendToStream(`marche-${randomUUID()}`, [testEvent('NombreGeant', { n: 1e20 })], 'no_stream');
    await appendTestEvents(store, 'salarie', 40);
    // The poison event sits in the middle of a batch of 50, not at its start.
    expect((poison - before) % 50).not.toBe(1);

    const logs = logRecorder();
    const buggy = run(new AppliedPositions('applied-positions', 'test_applied.applied', { fixed: false }), { errorRetryMs: 300, log: logs.log });
    run(new StreamTypeCountsProjection());

    await until(async () => (await statusOf('applied-positions')).error !== null);
    const status = await statusOf('applied-positions');
    expect(status.error).toMatchObject({ position: poison, eventType: 'NombreGeant', message: expect.stringContaining('out of range') });
    // Everything before the poison event is applied, exactly once; nothing after it.
    expect(status.position).toBe(poison - 1);
    expect(await positionsIn('test_applied.applied')).toEqual((await logPositions()).filter((p) => p < poison));

    // The other projection is not held back.
    const head = await store.headPosition();
    await until(async () => (await statusOf('stream-type-counts')).position === head);

    // Tried again every 300 ms (here), reported at error level once, with the projection and the position.
    await until(async () => ((await statusOf('applied-positions')).error?.attempts ?? 0) >= 3);
    expect(logs.at('error')).toHaveLength(1);
    expect(logs.at('error')[0]).toMatchObject({
      projection: 'applied-positions',
      position: poison,
      eventType: 'NombreGeant',
      error: expect.stringContaining('out of range'),
    });
    expect((await statusOf('applied-positions')).position).toBe(poison - 1);

    // A restart with the fixed code, events having been written meanwhile.
    await buggy.stop();
    await appendTestEvents(store, 'entreprise', 30);
    const fixedLogs = logRecorder();
    run(new AppliedPositions('applied-positions', 'test_applied.applied', { fixed: true }), { log: fixedLogs.log });
    const newHead = await store.headPosition();
    await until(async () => (await statusOf('applied-positions')).position === newHead);
    expect((await statusOf('applied-positions')).error).toBeNull();
    // Every event of the log applied exactly once (the primary key would have refused a second time).
    expect(await positionsIn('test_applied.applied')).toEqual(await logPositions());
    expect(fixedLogs.at('info').map((l) => l.message)).toContain('projection applied the event it was stopped at, running again');
    expect(fixedLogs.at('error')).toEqual([]);
  });

  it('resumes by itself when the cause goes away (here its table, created by a migration elsewhere)', async () => {
    await appendTestEvents(store, 'operation', 5);
    const logs = logRecorder();
    run(new AppliedPositions('late-table', 'test_applied.late', { fixed: true }), { errorRetryMs: 300, log: logs.log });
    await until(async () => (await statusOf('late-table')).error !== null);
    // The first event of the log: there was nothing before it to apply.
    expect((await statusOf('late-table')).error).toMatchObject({ position: 1, message: expect.stringContaining('does not exist') });

    await dataSource.query(`CREATE TABLE test_applied.late (position bigint PRIMARY KEY, n integer NOT NULL)`);
    const head = await store.headPosition();
    await until(async () => (await statusOf('late-table')).position === head);
    expect((await statusOf('late-table')).error).toBeNull();
    expect(await positionsIn('test_applied.late')).toEqual(await logPositions());
    expect(logs.at('error')).toHaveLength(1);
  });

  it('four processes on one stopped projection try its event again once per period together, not once each', async () => {
    await dataSource.query(`CREATE TABLE test_applied.shared (position bigint PRIMARY KEY, n integer NOT NULL)`);
    await store.appendToStream(`marche-${randomUUID()}`, [testEvent('NombreGeant', { n: 1e20 })], 'no_stream');
    const started = Date.now();
    for (let i = 0; i < 4; i++) run(new AppliedPositions('shared-retry', 'test_applied.shared', { fixed: false }), { errorRetryMs: 1_000, standbyRetryMs: 20 });
    await until(async () => (await statusOf('shared-retry')).error !== null);
    await new Promise((r) => setTimeout(r, 3_000));
    const elapsedPeriods = Math.ceil((Date.now() - started) / 1_000);
    // One try at each process's start, then one per period for all of them (each process alone would make it 4 per period).
    expect((await statusOf('shared-retry')).error!.attempts).toBeLessThanOrEqual(4 + elapsedPeriods + 1);
  }, 30_000);

  it('shows en_erreur, at the last position applied, when the log itself cannot be read past it', async () => {
    const stream = `salarie-${randomUUID()}`;
    await store.appendToStream(stream, [testEvent(), testEvent('Illisible')], 'no_stream');
    // An upcaster that throws: the event is stored, but no reader can get past it.
    const unreadable = new PostgresEventStore({
      connectionString: db.url,
      idleWakeUpMs: 200,
      upcasters: [{ eventType: 'Illisible', fromVersion: 1, upcast: () => { throw new Error('upcaster cassé'); } }],
    });
    try {
      const runner = new ProjectionRunner(new AppliedPositions('unreadable', 'test_applied.unreadable', { fixed: true }), unreadable, dataSource, db.url, options);
      await dataSource.query(`CREATE TABLE test_applied.unreadable (position bigint PRIMARY KEY, n integer NOT NULL)`);
      runner.start();
      runners.push(runner);
      await until(async () => (await statusOf('unreadable')).error !== null);
      const status = await statusOf('unreadable');
      expect(status.error).toMatchObject({ eventType: '(lecture du journal)', message: expect.stringContaining('upcaster cassé') });
      expect(status.error!.position).toBe(status.position);
      expect(status.position).toBeLessThan(await store.headPosition());
    } finally {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
      await unreadable.close();
    }
  }, 30_000);
});

/** Inserts one row per event; the buggy version stores `n` as it comes, the fixed one caps it to what an integer holds. */
class AppliedPositions implements Projection {
  readonly schema = 'test_applied';
  readonly entities = [];
  constructor(
    readonly name: string,
    private readonly table: string,
    private readonly code: { fixed: boolean },
  ) {}
  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const n = events.map((e) => Number((e.data as { n?: number }).n ?? 1)).map((n) => (this.code.fixed ? Math.min(n, 2 ** 31 - 1) : n));
    await tx.query(`INSERT INTO ${this.table} (position, n) SELECT * FROM unnest($1::bigint[], $2::numeric[])`, [events.map((e) => e.position), n]);
  }
}



import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDatabase, createMigratedTestDatabase } from '../../../../test/support/test-database';
import type { EventToAppend } from '../event-store.port';
import { WrongExpectedRevisionError } from '../errors';
import { EventStoreAppendFunction1764500000000, EventStoreAppendGroup1764500000001 } from './append-function.migration';
import { EventStoreAppendMany1764700000000 } from './append-many.migration';
import { verifyChain } from './event-chain';
import { EventChain1764300000000 } from './event-chain.migration';
import { EventStoreSchema1763900000000 } from './event-store.migration';
import { PostgresEventStore } from './postgres-event-store';

/**
 * What the contract suite cannot see of `event_store.append_many` (append-many.migration.ts): groups
 * mixing fresh appends with a retry that only the insert's unique index reveals, and appends of one
 * group building on each other.
 */
let db: { url: string; drop(): Promise<void> };
let store: PostgresEventStore;

beforeAll(async () => {
  db = await createMigratedTestDatabase('append_many');
  store = new PostgresEventStore({ connectionString: db.url });
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

const event = (type: string): EventToAppend => ({ eventId: randomUUID(), type, data: { type }, metadata: { schemaVersion: 1 } as EventToAppend['metadata'] });
const stream = () => `salarie-${randomUUID()}`;

async function wholeLog(): Promise<Array<{ position: number; event_id: string }>> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query('SELECT position::int, event_id FROM event_store.events ORDER BY position')).rows;
  } finally {
    await c.end();
  }
}

it('answers a retry with "any" sent among fresh appends, writes each fresh one once, and keeps the log gap-free and chained', async () => {
  const retried = stream();
  const batch = [event('R0'), event('R1')];
  const first = await store.appendToStream(retried, batch, 'no_stream');
  const fresh = Array.from({ length: 20 }, () => stream());
  // The first goes alone; the others wait and go as one group, the retry among them: its ids make the
  // group's insert fail, and the group is sent again with its ids looked up.
  const results = await Promise.all([
    ...fresh.slice(0, 10).map((s) => store.appendToStream(s, [event('F')], 'no_stream')),
    store.appendToStream(retried, batch, 'any'),
    ...fresh.slice(10).map((s) => store.appendToStream(s, [event('F'), event('G')], 'any')),
  ]);
  expect(results[10]).toEqual(first);
  for (const s of fresh) expect((await store.readStream(s)).length).toBe(fresh.indexOf(s) < 10 ? 1 : 2);
  expect((await store.readStream(retried)).map((e) => e.type)).toEqual(['R0', 'R1']);
  const log = await wholeLog();
  expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
  expect(new Set(log.map((e) => e.event_id)).size).toBe(log.length);
  await expect(verifyChain(db.url)).resolves.toMatchObject({ intact: true, events: log.length });
});

it('lets the appends of one group build on each other: each sees the revisions the earlier ones left', async () => {
  const s = stream();
  const [a, b, c] = await Promise.all([
    store.appendToStream(s, [event('A')], 'no_stream'),
    store.appendToStream(s, [event('B'), event('C')], 0),
    store.appendToStream(s, [event('D')], 2),
  ]);
  expect([a.nextRevision, b.nextRevision, c.nextRevision]).toEqual([0, 2, 3]);
  expect(b.position).toBe(a.position + 2);
  expect(c.position).toBe(b.position + 1);
  // Appends to several streams, one of them shared: the later append sees it where the earlier left it.
  const [u, v, w] = [stream(), stream(), stream()];
  const [, first, second] = await Promise.all([
    store.appendToStream(stream(), [event('Seul')], 'no_stream'),
    store.appendToStreams([{ streamId: u, events: [event('U')], expectedRevision: 'no_stream' }, { streamId: v, events: [event('V0'), event('V1')], expectedRevision: 'no_stream' }]),
    store.appendToStreams([{ streamId: w, events: [event('W')], expectedRevision: 'no_stream' }, { streamId: v, events: [event('V2')], expectedRevision: 1 }]),
  ]);
  expect(first.map((r) => r.nextRevision)).toEqual([0, 1]);
  expect(second.map((r) => r.nextRevision)).toEqual([0, 2]);
  expect(second[1].position).toBe(first[1].position + 2);
  // In a group, a refused append leaves the others of the group untouched.
  const t = stream();
  const outcomes = await Promise.allSettled([
    store.appendToStream(stream(), [event('X')], 'no_stream'),
    store.appendToStream(t, [event('Y')], 5),
    store.appendToStream(t, [event('Z')], 'no_stream'),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
  expect((await store.readStream(t)).map((e) => e.type)).toEqual(['Z']);
  expect((await store.readStream(s)).map((e) => [e.type, e.revision])).toEqual([['A', 0], ['B', 1], ['C', 2], ['D', 3]]);
});

it('is reverted to the former append functions, and migrated again', async () => {
  const scratch = await createDatabase(process.env.TEST_DATABASE_URL!, 'append_many_revert');
  const migrations = [EventStoreSchema1763900000000, EventChain1764300000000, EventStoreAppendFunction1764500000000, EventStoreAppendGroup1764500000001, EventStoreAppendMany1764700000000];
  const dataSource = new DataSource({ type: 'postgres', url: scratch.url, migrations, migrationsTransactionMode: 'each', logging: false });
  await dataSource.initialize();
  const functions = async () =>
    (await dataSource.query(`SELECT proname FROM pg_proc WHERE pronamespace = 'event_store'::regnamespace AND proname LIKE 'append%' ORDER BY 1`)).map(
      (r: { proname: string }) => r.proname,
    );
  const scratchStore = new PostgresEventStore({ connectionString: scratch.url });
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    await scratchStore.appendToStream(stream(), [event('Avant')], 'no_stream');
    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await functions()).toEqual(['append', 'append_group']);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await functions()).toEqual(['append_many']);
    await expect(scratchStore.appendToStream(stream(), [event('Apres')], 'no_stream')).resolves.toMatchObject({ nextRevision: 0, position: 2 });
    await expect(verifyChain(scratch.url)).resolves.toMatchObject({ intact: true, events: 2 });
  } finally {
    await scratchStore.close();
    await dataSource.destroy();
    await scratch.drop();
  }
});

it('never records an event earlier than the one before it: after an event recorded ahead (a clock stepped back since), the next append holds its time', async () => {
  const ahead = randomUUID();
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    // An event recorded by a clock one hour ahead, chained as an append would (the append's lock held).
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock(7340211001)');
    await c.query(
      `INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
       SELECT h.position + 1, $1, 'salarie', 0, $2, 'Avance', '{}'::jsonb, '{"schemaVersion": 1}'::jsonb, t.at,
              event_store.chain_step(NULL, h.hash, h.position + 1, $1, 'salarie', 0, $2, 'Avance', '{}'::jsonb, '{"schemaVersion": 1}'::jsonb, t.at)
       FROM (SELECT position, hash FROM event_store.events ORDER BY position DESC LIMIT 1) h, (SELECT now() + interval '1 hour' AS at) t`,
      [`salarie-${ahead}`, ahead],
    );
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
  const { position } = await store.appendToStream(stream(), [event('Apres')], 'no_stream');
  const [avance, apres] = await store.readAll({ after: position - 2, maxCount: 2 });
  expect(avance.type).toBe('Avance');
  expect(apres.metadata.recordedAt).toBe(avance.metadata.recordedAt);
  await expect(verifyChain(db.url)).resolves.toMatchObject({ intact: true });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore, type EventToAppend } from '@suivi/event-store';
import { createMigratedTestDatabase } from './support/test-database';
import { startApp, waitFor } from './support/processes';

/**
 * The exactly-once promise of the projection runtime, against real processes: a rebuild of
 * 100,000 events is killed with SIGKILL half-way (the live generation is untouched: the rebuild
 * fills a shadow schema), a projector builds the live one (and is killed too), and the read model
 * ends identical to what a clean replay of the log gives; the next rebuild drops the shadow left.
 */
const EVENTS = 100_000;
const STREAM_TYPES = ['donneurordre', 'operation', 'marche', 'entreprise', 'salarie'];

describe('projector crash during a rebuild', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('crash');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const store = new PostgresEventStore({ connectionString: db.url });
    for (let appended = 0, i = 0; appended < EVENTS; i++) {
      const type = STREAM_TYPES[i % STREAM_TYPES.length];
      const size = Math.min(500, EVENTS - appended);
      await store.appendToStream(`${type}-${randomUUID()}`, Array.from({ length: size }, () => event()), 'no_stream');
      appended += size;
    }
    await store.close();
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  const checkpoint = async (name = 'stream-type-counts') =>
    Number((await sql.query(`SELECT position FROM projections.checkpoints WHERE name = $1`, [name])).rows[0]?.position ?? -1);
  const readModel = async () =>
    (await sql.query(`SELECT stream_type, events::int, last_position::int FROM stream_type_counts.stream_type_counts ORDER BY 1`)).rows;
  const shadowLeft = async () =>
    (await sql.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'stream_type_counts_rebuild'`)).rows.length > 0;

  it('loses nothing and counts nothing twice', async () => {
    const env = { DATABASE_URL: db.url, PROJECTION_BATCH_SIZE: '100', LOG_LEVEL: 'warn' };

    const rebuild = startApp('cli', ['projections:rebuild', 'stream-type-counts'], env);
    const killedAt = await waitFor(async () => {
      const position = await checkpoint('stream-type-counts:rebuild');
      return position >= 20_000 ? position : undefined;
    }, 'the rebuild to pass 20,000 events', 60_000, 5);
    rebuild.child.kill('SIGKILL');
    await rebuild.exited;
    expect(killedAt).toBeLessThan(EVENTS * 0.8);
    // The live generation never saw the rebuild: nothing ran it, so it is still empty.
    expect(await checkpoint()).toBeLessThanOrEqual(0);
    expect(await readModel()).toEqual([]);
    expect(await shadowLeft()).toBe(true);
    const afterKill = Math.max(0, await checkpoint());

    const projector = startApp('projector', [], env);
    await waitFor(async () => (await checkpoint()) >= afterKill + 10_000, 'the projector to resume', 60_000, 5);
    projector.child.kill('SIGKILL');
    await projector.exited;
    expect(await checkpoint()).toBeLessThan(EVENTS);

    const second = startApp('projector', [], env);
    await waitFor(async () => (await checkpoint()) === EVENTS, 'the projector to catch up', 90_000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const live = await readModel();
    const replayed = (
      await sql.query(
        `SELECT stream_type, count(*)::int AS events, max(position)::int AS last_position
         FROM event_store.events GROUP BY stream_type ORDER BY 1`,
      )
    ).rows;
    expect(live).toEqual(replayed);
    expect(live.reduce((sum: number, r: { events: number }) => sum + r.events, 0)).toBe(EVENTS);

    const clean = startApp('cli', ['projections:rebuild', 'stream-type-counts'], env);
    expect((await clean.exited).code).toBe(0);
    expect(clean.output()).toMatch(/100000 events replayed in [\d.]+ s \(\d+ events\/s\), switched to the new generation at position 100000/);
    expect(await readModel()).toEqual(live);
    expect(await checkpoint()).toBe(EVENTS);
    expect(await shadowLeft()).toBe(false);
  }, 240_000);
});

function event(): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'Seeded',
    data: { n: 1 },
    metadata: {
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      userId: 'crash-test',
      correlationId: randomUUID(),
      causationId: null,
    },
  };
}

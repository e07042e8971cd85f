import { randomUUID } from 'node:crypto';
import { Client, types } from 'pg';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { PostgresEventStore } from './postgres-event-store';
import { RecordedAtText, TIMESTAMPTZ_OID } from './recorded-at-text';

/** `readAll` turns `recorded_at`'s text into `metadata.recordedAt` without a Date: it must be what pg's Date gave. */
describe('recorded_at as metadata.recordedAt', () => {
  const viaDate = (text: string) => (types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (v: string) => Date)(text).toISOString();

  it('is the ISO string of the Date pg parses, for every fraction of a second and other forms', () => {
    const texts: string[] = [];
    // Every millisecond with fractions whose `1000 * parseFloat` falls just below an integer (e.g. .145 -> 144.99…).
    for (let ms = 0; ms < 1000; ms++) {
      for (const micro of [0, 1, 500, 999]) {
        const fraction = String(ms * 1000 + micro).padStart(6, '0').replace(/0+$/, '');
        texts.push(`2026-11-24 03:19:01${fraction ? `.${fraction}` : ''}+00`);
      }
    }
    texts.push('2026-11-24 03:19:01.1+00', '1999-12-31 23:59:59.999999+00', '2026-11-24 04:19:01.123+01', '2026-03-29 01:30:00.5-05:30', '0050-01-01 00:00:00+00', '0044-03-15 12:00:00+00 BC');
    const converter = new RecordedAtText();
    for (const text of texts) expect({ text, iso: converter.iso(text) }).toEqual({ text, iso: viaDate(text) });
  });

  describe('read from PostgreSQL', () => {
    let db: { url: string; drop(): Promise<void> };
    beforeAll(async () => {
      db = await createMigratedTestDatabase('recorded_at');
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('readAll and readStream give the events pg decodes row by row (recordedAt last in metadata)', async () => {
      const store = new PostgresEventStore({ connectionString: db.url });
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const metadata = { schemaVersion: 1, occurredAt: '2026-01-01T00:00:00.000Z', userId: 'u', correlationId: randomUUID(), causationId: null };
        for (let i = 0; i < 5; i++) {
          const events = Array.from({ length: 3 }, (_, j) => ({ eventId: randomUUID(), type: 'Test', data: { i, j, nested: { a: [1, 'b'] } }, metadata }));
          await store.appendToStream(`test-${i}`, events, 'no_stream');
        }
        const { rows } = await client.query(`SELECT position, stream_id, revision, event_id, type, data, metadata, recorded_at FROM event_store.events ORDER BY position`);
        const expected = rows.map((r) => ({
          eventId: r.event_id,
          type: r.type,
          streamId: r.stream_id,
          revision: Number(r.revision),
          position: Number(r.position),
          data: r.data,
          metadata: { ...r.metadata, recordedAt: (r.recorded_at as Date).toISOString() },
        }));
        const read = await store.readAll({ after: 0, maxCount: 100 });
        expect(read).toEqual(expected);
        expect(read.map((e) => Object.keys(e.metadata))).toEqual(expected.map((e) => Object.keys(e.metadata)));
        expect(await store.readStream('test-2')).toEqual(expected.filter((e) => e.streamId === 'test-2'));
      } finally {
        await client.end();
        await store.close();
      }
    });
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDatabase, createMigratedTestDatabase } from '../../../../test/support/test-database';
import type { EventToAppend } from '../event-store.port';
import { CHAIN_GENESIS, chainHash, type ChainProgress, verifyChain } from './event-chain';
import { EventStoreAppendFunction1764500000000, EventStoreAppendGroup1764500000001 } from './append-function.migration';
import { EventStoreAppendMany1764700000000 } from './append-many.migration';
import { EventChain1764300000000 } from './event-chain.migration';
import { EventStoreSchema1763900000000 } from './event-store.migration';
import { PostgresEventStore } from './postgres-event-store';

/** Data that jsonb normalises (key order, spacing, numbers) or that tests the text encoding. */
const AWKWARD_DATA: unknown[] = [
  { z: 1, a: 2, mm: { b: [3, 2, 1], a: null } },
  { nom: 'Société d’économie mixte « Œuvre » — Ça, là, où', emoji: 'Chantier 🚧 solidaire 👷‍♀️', rtl: 'עברית العربية 漢字' },
  { sep: 'Ligne\u2028séparée\u2029', ctl: 'tab\tnl\ncr\r\u0001\u001f', quote: '"\\\'/', del: '\u007f' },
  { grand: 1e21, petit: 1e-7, flottant: 0.1, centiemes: 151.67, negatif: -0, entier: 9007199254740993 },
  { '': 'clé vide', ' espace ': true, 'é': false },
  null,
  'une chaîne seule',
  [1, 'deux', { trois: 3 }],
];

function event(type: string, data: unknown, userId = 'event-chain-spec'): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { schemaVersion: 1, occurredAt: new Date().toISOString(), userId, correlationId: randomUUID(), causationId: null },
  };
}

async function withClient<T>(url: string, run: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Runs `sql` with the append-only trigger off, in one transaction (as a tamperer with table rights would). */
function tamper(url: string, sql: string, params: unknown[] = []): Promise<void> {
  return withClient(url, async (c) => {
    await c.query('BEGIN');
    await c.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
    await c.query(sql, params);
    await c.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');
    await c.query('COMMIT');
  });
}

describe('hash chain of the PostgreSQL log', () => {
  let db: { url: string; drop(): Promise<void> };
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('event_chain');
    store = new PostgresEventStore({ connectionString: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('computes in Node the hash the database computes, byte for byte', async () => {
    const previous = Buffer.from('ab'.repeat(32), 'hex');
    const row = {
      position: 9_007_199_254_740_993n,
      streamId: 'salarie-Œuvre 🚧\u2028',
      streamType: 'salarie',
      revision: 42n,
      eventId: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      type: 'TypeÉtrange',
      data: { b: 'é\n', a: [1e21, 0.1] },
      metadata: { userId: 'x', occurredAt: '2025-01-01T00:00:00.000Z' },
      recordedAt: '2025-03-31T23:59:59.123456+02:00',
    };
    const inDatabase = await withClient(db.url, async (c) => {
      const { rows } = await c.query<{ hash: Buffer; data: string; metadata: string; recorded_at: Buffer }>(
        `SELECT event_store.chain_step(NULL, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS hash,
                $8::jsonb::text AS data, $9::jsonb::text AS metadata, timestamptz_send($10::timestamptz) AS recorded_at`,
        [previous, String(row.position), row.streamId, row.streamType, String(row.revision), row.eventId, row.type,
          JSON.stringify(row.data), JSON.stringify(row.metadata), row.recordedAt],
      );
      return rows[0];
    });
    const inNode = chainHash(previous, {
      position: row.position,
      streamId: row.streamId,
      streamType: row.streamType,
      revision: row.revision,
      eventId: row.eventId.toLowerCase(),
      type: row.type,
      data: inDatabase.data,
      metadata: inDatabase.metadata,
      recordedAt: inDatabase.recorded_at,
    });
    expect(inNode.toString('hex')).toBe(inDatabase.hash.toString('hex'));
    // Each input counts: another previous hash gives another hash.
    expect(chainHash(CHAIN_GENESIS, { ...row, eventId: row.eventId.toLowerCase(), data: inDatabase.data, metadata: inDatabase.metadata, recordedAt: inDatabase.recorded_at }))
      .not.toEqual(inNode);
  });

  it('stays unbroken under concurrent writers, awkward data included, read in small batches', async () => {
    const writers = 8;
    const appendsPerWriter = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const stream = `chaine-${randomUUID()}`;
        let expected: 'no_stream' | number = 'no_stream';
        for (let i = 0; i < appendsPerWriter; i++) {
          const batch = Array.from({ length: 1 + ((i + w) % 3) }, (_, k) =>
            event(`W${w}`, AWKWARD_DATA[(i + w + k) % AWKWARD_DATA.length]),
          );
          const result = await store.appendToStream(stream, batch, expected);
          expected = result.nextRevision;
        }
      }),
    );
    const head = await store.headPosition();
    const progress: ChainProgress[] = [];
    const result = await verifyChain(db.url, { batchSize: 7, onProgress: (p) => progress.push(p) });
    const stored = await withClient(db.url, (c) =>
      c.query<{ hash: Buffer }>('SELECT hash FROM event_store.events WHERE position = $1', [head]),
    );
    expect(result).toEqual({ intact: true, events: head, head: { position: head, hash: stored.rows[0].hash.toString('hex') } });
    expect(progress.length).toBe(Math.ceil(head / 7));
    expect(progress[progress.length - 1]).toEqual({ verified: head, position: head, target: head });
  });

  describe('names the first broken link', () => {
    let head: number;
    let intactHead: { position: number; hash: string };

    beforeAll(async () => {
      const stream = `falsifie-${randomUUID()}`;
      await store.appendToStream(stream, Array.from({ length: 6 }, (_, i) => event(`F${i}`, { i })), 'no_stream');
      const result = await verifyChain(db.url);
      if (!result.intact || !result.head) throw new Error('the log should be intact before tampering');
      intactHead = result.head;
      head = intactHead.position;
    });

    afterEach(async () => {
      // Every case puts the row back as it was: the chain holds again.
      await expect(verifyChain(db.url)).resolves.toEqual({ intact: true, events: head, head: intactHead });
    });

    it('an event whose data was changed', async () => {
      const target = head - 3;
      const { rows } = await withClient(db.url, (c) => c.query('SELECT data::text FROM event_store.events WHERE position = $1', [target]));
      await tamper(db.url, `UPDATE event_store.events SET data = '{"i": 99}' WHERE position = $1`, [target]);
      const result = await verifyChain(db.url);
      expect(result).toMatchObject({ intact: false, events: target - 1, broken: { kind: 'hash', position: target, event: { position: target, type: 'F2' } } });
      await tamper(db.url, 'UPDATE event_store.events SET data = $2 WHERE position = $1', [target, rows[0].data]);
    });

    it('an event whose hash was recomputed after its data was changed: the next link breaks', async () => {
      const target = head - 2;
      const { rows } = await withClient(db.url, (c) => c.query('SELECT data::text, hash FROM event_store.events WHERE position = $1', [target]));
      await tamper(
        db.url,
        `UPDATE event_store.events e SET data = '{"i": 99}',
           hash = event_store.chain_step(NULL, p.hash, e.position, e.stream_id, e.stream_type, e.revision, e.event_id, e.type, '{"i": 99}', e.metadata, e.recorded_at)
         FROM event_store.events p WHERE p.position = e.position - 1 AND e.position = $1`,
        [target],
      );
      await expect(verifyChain(db.url)).resolves.toMatchObject({ intact: false, broken: { kind: 'hash', position: target + 1 } });
      await tamper(db.url, 'UPDATE event_store.events SET data = $2, hash = $3 WHERE position = $1', [target, rows[0].data, rows[0].hash]);
    });

    it('a deleted event, the first one included', async () => {
      for (const target of [head - 4, 1]) {
        // As text: a Date would lose recorded_at's microseconds, a JS number a big integer's digits.
        const { rows } = await withClient(db.url, (c) =>
          c.query(
            `SELECT position, stream_id, stream_type, revision, event_id, type, data::text, metadata::text, recorded_at::text, hash
             FROM event_store.events WHERE position = $1`,
            [target],
          ),
        );
        await tamper(db.url, 'DELETE FROM event_store.events WHERE position = $1', [target]);
        const result = await verifyChain(db.url);
        expect(result).toMatchObject({ intact: false, events: target - 1, broken: { kind: 'missing', position: target, event: { position: target + 1 } } });
        const r = rows[0];
        await withClient(db.url, (c) =>
          c.query(
            `INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [r.position, r.stream_id, r.stream_type, r.revision, r.event_id, r.type, r.data, r.metadata, r.recorded_at, r.hash],
          ),
        );
      }
    });

    it('a hash noted earlier that no longer matches, or lies past the end of the log', async () => {
      await expect(verifyChain(db.url, { anchors: [intactHead] })).resolves.toMatchObject({ intact: true });
      const other = { position: head - 1, hash: 'f'.repeat(64) };
      await expect(verifyChain(db.url, { anchors: [intactHead, other] })).resolves.toMatchObject({
        intact: false,
        events: head - 2,
        broken: { kind: 'anchor', position: head - 1, expected: other.hash, event: { position: head - 1 } },
      });
      const beyond = { position: head + 10, hash: intactHead.hash };
      await expect(verifyChain(db.url, { anchors: [beyond] })).resolves.toMatchObject({
        intact: false,
        events: head,
        broken: { kind: 'anchor', position: head + 10, event: null, found: null },
      });
    });
  });
});

describe('the EventChain migration', () => {
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    db = await createDatabase(process.env.TEST_DATABASE_URL!, 'event_chain_migration');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const migrate = async (migrations: Array<new () => any>) => {
    const dataSource = new DataSource({ type: 'postgres', url: db.url, migrations, migrationsTransactionMode: 'each', logging: false });
    await dataSource.initialize();
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  };

  it('chains the events stored before it, in position order, and leaves the log append-only', async () => {
    await migrate([EventStoreSchema1763900000000]);
    // Events as the adapter stored them before the chain: several streams, several statements (recorded_at differ).
    const streams = [`avant-${randomUUID()}`, `avant-${randomUUID()}`];
    await withClient(db.url, async (c) => {
      for (let i = 0; i < 12; i++) {
        const e = event(`Avant${i}`, AWKWARD_DATA[i % AWKWARD_DATA.length]);
        await c.query(
          `INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata)
           VALUES ($1, $2, 'avant', $3, $4, $5, $6, $7)`,
          [i + 1, streams[i % 2], Math.floor(i / 2), e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)],
        );
      }
    });

    expect(await migrate([EventStoreSchema1763900000000, EventChain1764300000000])).toEqual(['EventChain1764300000000']);

    const filled = await verifyChain(db.url);
    expect(filled).toMatchObject({ intact: true, events: 12, head: { position: 12 } });
    // New appends (through the append function of later migrations) chain on from the filled head.
    const appendFunctions = [EventStoreAppendFunction1764500000000, EventStoreAppendGroup1764500000001, EventStoreAppendMany1764700000000];
    expect(await migrate([EventStoreSchema1763900000000, EventChain1764300000000, ...appendFunctions])).toEqual(appendFunctions.map((m) => m.name));
    const store = new PostgresEventStore({ connectionString: db.url });
    try {
      await store.appendToStream(streams[0], [event('Apres', { ok: true }), event('Apres', null)], 5);
    } finally {
      await store.close();
    }
    await expect(verifyChain(db.url)).resolves.toMatchObject({ intact: true, events: 14, head: { position: 14 } });
    await expect(withClient(db.url, (c) => c.query(`UPDATE event_store.events SET type = 'x' WHERE position = 1`))).rejects.toThrow(
      /append-only/,
    );
    await expect(
      withClient(db.url, (c) => c.query(`INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata)
        VALUES (15, 'sans-hash', 'sans', 0, gen_random_uuid(), 'SansHash', '{}', '{}')`)),
    ).rejects.toThrow(/hash/);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type EventToAppend, PostgresEventStore, verifyChain } from '@suivi/event-store';
import { startApp } from './support/processes';
import { createMigratedTestDatabase } from './support/test-database';

/**
 * Issue 15: every event carries a hash chained to the previous event of the global log;
 * `audit:chain` (the built CLI, as an auditor runs it) verifies the chain and names the first
 * broken link. Rows are altered in SQL with the append-only trigger disabled, as someone with
 * rights on the table could; each case then puts the rows back as they were.
 */
describe('audit:chain', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;
  let head: number;

  const auditChain = async (...args: string[]) => {
    const cli = startApp('cli', ['audit:chain', ...args], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    const { code } = await cli.exited;
    return { code, output: cli.output() };
  };

  /** Runs `statements` with the append-only trigger off, in one transaction of the test's own database. */
  async function tamper(...statements: Array<[string, unknown[]?]>): Promise<void> {
    await sql.query('BEGIN');
    try {
      await sql.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
      for (const [text, params] of statements) await sql.query(text, params ?? []);
      await sql.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');
      await sql.query('COMMIT');
    } catch (error) {
      await sql.query('ROLLBACK');
      throw error;
    }
  }

  /** The row as text, to put it back exactly (microseconds of recorded_at, digits of big numbers). */
  async function row(position: number): Promise<Record<string, unknown>> {
    const { rows } = await sql.query(
      `SELECT position, stream_id, stream_type, revision, event_id, type, data::text AS data, metadata::text AS metadata,
              recorded_at::text AS recorded_at, hash
       FROM event_store.events WHERE position = $1`,
      [position],
    );
    return rows[0];
  }

  async function putBack(r: Record<string, unknown>): Promise<void> {
    await sql.query(
      `INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [r.position, r.stream_id, r.stream_type, r.revision, r.event_id, r.type, r.data, r.metadata, r.recorded_at, r.hash],
    );
  }

  beforeAll(async () => {
    db = await createMigratedTestDatabase('audit_chain');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const store = new PostgresEventStore({ connectionString: db.url });
    try {
      const streams = Array.from({ length: 3 }, () => ({ id: `salarie-${randomUUID()}`, revision: null as number | null }));
      for (let i = 0; i < 12; i++) {
        const stream = streams[i % streams.length];
        const events = Array.from({ length: 1 + (i % 3) }, (_, k) => event(`Evenement${i}_${k}`, { i, k, nom: 'Œuvre « solidaire » 🚧' }));
        const result = await store.appendToStream(stream.id, events, stream.revision ?? 'no_stream');
        stream.revision = result.nextRevision;
      }
      head = await store.headPosition();
    } finally {
      await store.close();
    }
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  afterEach(async () => {
    // Each case put the rows back: the chain holds again.
    await expect(verifyChain(db.url)).resolves.toMatchObject({ intact: true, events: head });
  });

  it('says the chain is intact and prints the last hash to note outside the database', async () => {
    const { code, output } = await auditChain();
    const last = (await row(head)).hash as Buffer;
    expect(output).toContain(`chaîne intacte : ${head} événements, dernier hash ${last.toString('hex')} (position ${head})`);
    expect(output).toContain(`--ancre ${head}:${last.toString('hex')}`);
    expect(code).toBe(0);
  });

  it('catches an event whose data was altered in SQL, and names its position', async () => {
    const target = 7;
    const original = await row(target);
    await tamper([`UPDATE event_store.events SET data = jsonb_set(data, '{nom}', '"autre"') WHERE position = $1`, [target]]);
    try {
      const { code, output } = await auditChain();
      expect(output).toContain(`chaîne rompue à la position ${target} (flux ${original.stream_id}, révision ${original.revision}`);
      expect(output).toContain(`${target - 1} événements vérifiés intacts avant ce maillon`);
      expect(code).toBe(1);
    } finally {
      await tamper([`UPDATE event_store.events SET data = $2 WHERE position = $1`, [target, original.data]]);
    }
  });

  it('catches a deleted event, and names the missing position', async () => {
    const target = 11;
    const original = await row(target);
    await tamper([`DELETE FROM event_store.events WHERE position = $1`, [target]]);
    try {
      const { code, output } = await auditChain();
      expect(output).toContain(`chaîne rompue à la position ${target} : la position ${target} manque (événements supprimés)`);
      expect(code).toBe(1);
    } finally {
      await putBack(original);
    }
  });

  it('catches two events whose data were swapped, and names the first', async () => {
    const [first, second] = [4, 16];
    const [a, b] = [await row(first), await row(second)];
    await tamper(
      [`UPDATE event_store.events SET data = $2 WHERE position = $1`, [first, b.data]],
      [`UPDATE event_store.events SET data = $2 WHERE position = $1`, [second, a.data]],
    );
    try {
      const { code, output } = await auditChain();
      expect(output).toContain(`chaîne rompue à la position ${first} (flux ${a.stream_id}`);
      expect(code).toBe(1);
    } finally {
      await tamper(
        [`UPDATE event_store.events SET data = $2 WHERE position = $1`, [first, a.data]],
        [`UPDATE event_store.events SET data = $2 WHERE position = $1`, [second, b.data]],
      );
    }
  });

  it('catches the end of the log cut off only against a hash noted earlier (--ancre)', async () => {
    const original = await row(head);
    const anchor = `${head}:${(original.hash as Buffer).toString('hex')}`;
    await tamper([`DELETE FROM event_store.events WHERE position = $1`, [head]]);
    try {
      // What is left is a valid chain: the cut shows only against what was noted before.
      const alone = await auditChain();
      expect(alone.output).toContain(`chaîne intacte : ${head - 1} événements`);
      expect(alone.code).toBe(0);
      const anchored = await auditChain('--ancre', anchor);
      expect(anchored.output).toContain(`chaîne rompue à la position ${head} : l'ancre ${anchor} est au-delà de la fin du journal`);
      expect(anchored.code).toBe(1);
    } finally {
      await putBack(original);
    }
  });
});

function event(type: string, data: unknown): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { schemaVersion: 1, occurredAt: new Date().toISOString(), userId: 'audit-chain-e2e', correlationId: randomUUID(), causationId: null },
  };
}

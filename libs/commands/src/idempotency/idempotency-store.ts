import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Grouped } from '../grouped';

export type IdempotencyLookup =
  | { kind: 'new' }
  /** Same request seen before without a stored answer (in flight, or interrupted): run it again, same seed. */
  | { kind: 'pending' }
  | { kind: 'answered'; statusCode: number; response: unknown }
  | { kind: 'other-request' };

interface Begin {
  userId: string;
  key: string;
  requestHash: string;
}

interface Complete extends Begin {
  statusCode: number;
  response: unknown;
}

const pairOf = ({ userId, key }: { userId: string; key: string }) => `${userId}\u0000${key}`;

/**
 * Remembers, per caller and key, which request a key was used for and the answer it got.
 * Appends stay exactly-once through deterministic event ids (see CommandExecutor); this store
 * gives the same answer again and refuses a key reused for another request.
 *
 * Every request with a key costs two writes here (its key taken, its answer stored): the writes of
 * concurrent requests go together (Grouped), one statement and one commit for a group, each item
 * with the outcome it would have alone.
 */
export class IdempotencyStore {
  private readonly begins = new Grouped<Begin, IdempotencyLookup>((items) => this.beginAll(items));
  private readonly completes = new Grouped<Complete, void>((items) => this.completeAll(items));

  constructor(private readonly dataSource: DataSource) {}

  static hashRequest(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
  }

  begin(userId: string, key: string, requestHash: string): Promise<IdempotencyLookup> {
    return this.begins.submit({ userId, key, requestHash });
  }

  /** Stores the answer (again, if a concurrent failure of the same request abandoned the key meanwhile). */
  complete(userId: string, key: string, requestHash: string, statusCode: number, response: unknown): Promise<void> {
    return this.completes.submit({ userId, key, requestHash, statusCode, response });
  }

  /** A refused request may be sent again with the same key once fixed (e.g. after a 409). */
  async abandon(userId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM commands.idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL`,
      [userId, key],
    );
  }

  /** Takes the keys not taken yet; the others are looked up. Within a group, a key's first request takes it. */
  private async beginAll(items: Begin[]): Promise<IdempotencyLookup[]> {
    const inserted: Array<{ user_id: string; key: string }> = await this.dataSource.query(
      `INSERT INTO commands.idempotency_keys (user_id, key, request_hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (user_id, key) DO NOTHING RETURNING user_id, key`,
      [items.map((i) => i.userId), items.map((i) => i.key), items.map((i) => i.requestHash)],
    );
    const taken = new Set(inserted.map((r) => pairOf({ userId: r.user_id, key: r.key })));
    const lookups: Array<IdempotencyLookup | null> = items.map((item) => (taken.delete(pairOf(item)) ? { kind: 'new' } : null));
    const others = items.filter((_, i) => lookups[i] === null);
    if (others.length === 0) return lookups as IdempotencyLookup[];
    const rows: Array<{ user_id: string; key: string; request_hash: string; status_code: number | null; response: unknown }> = await this.dataSource.query(
      `SELECT user_id, key, request_hash, status_code, response FROM commands.idempotency_keys
       WHERE (user_id, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [others.map((i) => i.userId), others.map((i) => i.key)],
    );
    const stored = new Map(rows.map((r) => [pairOf({ userId: r.user_id, key: r.key }), r]));
    return items.map((item, i): IdempotencyLookup => {
      if (lookups[i]) return lookups[i];
      const row = stored.get(pairOf(item));
      // Abandoned meanwhile by a failure of the same request: run it again, as after a crash.
      if (!row) return { kind: 'pending' };
      if (row.request_hash !== item.requestHash) return { kind: 'other-request' };
      if (row.status_code === null) return { kind: 'pending' };
      return { kind: 'answered', statusCode: row.status_code, response: row.response };
    });
  }

  private async completeAll(items: Complete[]): Promise<void[]> {
    // One statement may not update a row twice: a key repeated in the group goes in a statement of its own.
    for (let rest = items; rest.length > 0; ) {
      const seen = new Set<string>();
      const now: Complete[] = [];
      const later: Complete[] = [];
      for (const item of rest) (seen.has(pairOf(item)) ? later : (seen.add(pairOf(item)), now)).push(item);
      await this.dataSource.query(
        `INSERT INTO commands.idempotency_keys (user_id, key, request_hash, status_code, response, completed_at)
         SELECT user_id, key, request_hash, status_code, response::json, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) AS r (user_id, key, request_hash, status_code, response)
         ON CONFLICT (user_id, key) DO UPDATE SET status_code = excluded.status_code, response = excluded.response, completed_at = now()
         WHERE commands.idempotency_keys.request_hash = excluded.request_hash`,
        [now.map((i) => i.userId), now.map((i) => i.key), now.map((i) => i.requestHash), now.map((i) => i.statusCode), now.map((i) => JSON.stringify(i.response ?? null))],
      );
      rest = later;
    }
    return items.map(() => undefined);
  }
}

/** JSON with object keys sorted, so that key order does not make two bodies differ. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

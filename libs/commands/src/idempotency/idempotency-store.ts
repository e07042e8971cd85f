import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

export type IdempotencyLookup =
  | { kind: 'new' }
  /** Same request seen before without a stored answer (in flight, or interrupted): run it again, same seed. */
  | { kind: 'pending' }
  | { kind: 'answered'; statusCode: number; response: unknown }
  | { kind: 'other-request' };

/**
 * Remembers, per caller and key, which request a key was used for and the answer it got.
 * Appends stay exactly-once through deterministic event ids (see CommandExecutor); this store
 * gives the same answer again and refuses a key reused for another request.
 */
export class IdempotencyStore {
  constructor(private readonly dataSource: DataSource) {}

  static hashRequest(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
  }

  async begin(userId: string, key: string, requestHash: string): Promise<IdempotencyLookup> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO commands.idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
      [userId, key, requestHash],
    );
    if (inserted.length > 0) return { kind: 'new' };
    const [row]: Array<{ request_hash: string; status_code: number | null; response: unknown }> = await this.dataSource.query(
      `SELECT request_hash, status_code, response FROM commands.idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    if (row.request_hash !== requestHash) return { kind: 'other-request' };
    if (row.status_code === null) return { kind: 'pending' };
    return { kind: 'answered', statusCode: row.status_code, response: row.response };
  }

  /** Stores the answer (again, if a concurrent failure of the same request abandoned the key meanwhile). */
  async complete(userId: string, key: string, requestHash: string, statusCode: number, response: unknown): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO commands.idempotency_keys (user_id, key, request_hash, status_code, response, completed_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (user_id, key) DO UPDATE SET status_code = excluded.status_code, response = excluded.response, completed_at = now()
       WHERE commands.idempotency_keys.request_hash = excluded.request_hash`,
      [userId, key, requestHash, statusCode, JSON.stringify(response ?? null)],
    );
  }

  /** A refused request may be sent again with the same key once fixed (e.g. after a 409). */
  async abandon(userId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM commands.idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL`,
      [userId, key],
    );
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

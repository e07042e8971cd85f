import type { EntityManager } from 'typeorm';

/**
 * Rows waiting for one multi-row statement (`INSERT … SELECT … FROM unnest($1::…[], $2::…[], …)`,
 * `UPDATE … FROM unnest(…)`): a projection walks its batch in log order, buffers each event's rows
 * here and writes a whole buffer in one statement, so that a batch costs a few statements instead of
 * one per event. The statement text is a constant: PostgreSQL parses one text per kind of row.
 *
 * Keyed rows (`set`) keep one row per key, merged in log order (the last wins by default): a
 * multi-row `ON CONFLICT DO UPDATE` or `UPDATE … FROM` must not touch one row twice, and writing
 * only the last state of a row is what applying its events one by one ends with.
 */
export class BatchedRows {
  private readonly rows = new Map<unknown, unknown[]>();
  private appended = 0;

  /**
   * `sql` takes one array parameter per column, in the order of the rows' values.
   * `merge` combines a key's buffered row with a new one (default: the new one replaces it).
   */
  constructor(
    private readonly sql: string,
    private readonly merge: (before: unknown[], next: unknown[]) => unknown[] = (_before, next) => next,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** A row of its own (an insert: a second row with the same key is the database's error, as one by one). */
  add(values: unknown[]): void {
    this.rows.set(this.appended++, values);
  }

  /** The row of `key`, merged with the one already buffered for it. */
  set(key: string, values: unknown[]): void {
    const before = this.rows.get(key);
    this.rows.set(key, before === undefined ? values : this.merge(before, values));
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  /** Writes the buffered rows in one statement and empties the buffer. */
  async flush(tx: EntityManager): Promise<void> {
    if (this.rows.size === 0) return;
    const rows = [...this.rows.values()];
    this.rows.clear();
    this.appended = 0;
    const columns = rows[0].map((_, i) => rows.map((row) => row[i]));
    await tx.query(this.sql, columns);
  }
}

/** Flushes buffers in the given order: a buffer's statement may read what the ones before it write. */
export async function flushInOrder(tx: EntityManager, buffers: BatchedRows[]): Promise<void> {
  for (const buffer of buffers) await buffer.flush(tx);
}

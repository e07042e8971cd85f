import type { RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';

/**
 * A read model derived from the global log. `apply` runs inside the runtime's transaction,
 * together with the checkpoint update, so a batch takes effect exactly once.
 */
export interface Projection {
  /** Stable name: the checkpoint's key and the lock's identity. */
  readonly name: string;
  /**
   * The schema that holds the projection's tables, and nothing else: a rebuild fills a copy of
   * it beside the live one and swaps the two by renaming schemas (see `rebuild.ts`).
   */
  readonly schema: string;
  /** TypeORM entities of the projection's tables. */
  readonly entities: Function[];
  /**
   * Writes with unqualified table names: the runtime points `search_path` at the schema to
   * write (the live one, or a rebuild's shadow) for the transaction, see `useSchema`.
   */
  apply(events: RecordedEvent[], tx: EntityManager): Promise<void>;
  /**
   * Whether `apply` may write anything for this event; absent: every event may. A batch with no
   * such event only advances the checkpoint (one statement instead of a transaction): what most
   * batches are for a projection of a few event types, such as users.
   */
  concerne?(event: RecordedEvent): boolean;
}

export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * Makes the transaction's unqualified table names resolve in `schema` only (SET LOCAL search_path), and prices a
 * random page read as the cached read it is (`PROJECTION_PLANNER_SETTINGS`).
 */
export async function useSchema(tx: EntityManager, schema: string): Promise<void> {
  await tx.query(`SELECT set_config('search_path', $1, true), ${PROJECTION_PLANNER_SETTINGS}`, [quoteIdent(schema)]);
}

/**
 * For a projection's transaction (SET LOCAL). A batch looks its rows up by key (a declaration's placement, a
 * marché's closing) in tables that are read all the time, so cached. With PostgreSQL's default random_page_cost
 * (4, priced for spinning disks) the planner hashed the whole table instead, at every batch: 40 ms for 500
 * declarations against 28 ms by index on 35,000 placements, and the whole-table scan grows with the read model.
 */
export const PROJECTION_PLANNER_SETTINGS = `set_config('random_page_cost', '1.1', true)`;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

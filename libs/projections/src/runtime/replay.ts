import type { EventStore, RecordedEvent } from '@suivi/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { PROJECTION_PLANNER_SETTINGS, quoteIdent, useSchema, type Projection } from './projection';

/**
 * What a rebuild (`rebuild.ts`) and a verification (`verification.ts`) share: a copy of a
 * projection's live tables in a schema of its own, and the replay of the log into it with the
 * projection's own `apply` (unqualified names, `search_path` pointed at the copy).
 */

/** How far a replay got: the last position applied, and how many events it applied. */
export interface ReplayCursor {
  position: number;
  events: number;
}

/** PostgreSQL's identifier limit (bytes). */
const MAX_IDENTIFIER = 63;

/**
 * Identifiers are spliced into DDL: only plain lower-case ones, short enough to take `suffix`
 * (e.g. `_rebuild`) within PostgreSQL's 63 bytes.
 */
export function checkSchemaName(projection: Projection, suffixLength: number): void {
  const room = MAX_IDENTIFIER - suffixLength - 1;
  if (!new RegExp(`^[a-z_][a-z0-9_]{0,${room}}$`).test(projection.schema)) {
    throw new Error(`projection ${projection.name}: unsupported schema name "${projection.schema}"`);
  }
}

/** The tables of a schema (its relations must be tables and their indexes only), by name. */
export async function tablesOf(tx: EntityManager, schema: string): Promise<string[]> {
  const relations: Array<{ relname: string; relkind: string }> = await tx.query(
    `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`,
    [schema],
  );
  // A copy holds tables only: anything else (views, sequences of their own) would not be replayed.
  const others = relations.filter((r) => !['r', 'i'].includes(r.relkind));
  if (others.length > 0) throw new Error(`schema ${schema} holds more than tables: ${others.map((r) => r.relname).join(', ')}`);
  const tables = relations.filter((r) => r.relkind === 'r').map((r) => r.relname);
  if (tables.length === 0) throw new Error(`schema ${schema} has no table: are the migrations applied?`);
  return tables;
}

/** Creates `target` with the live schema's tables, copied empty (columns, defaults, constraints, indexes). */
export async function copySchemaTables(tx: EntityManager, live: string, target: string): Promise<string[]> {
  const tables = await tablesOf(tx, live);
  await tx.query(`CREATE SCHEMA ${quoteIdent(target)}`);
  for (const table of tables) {
    await tx.query(`CREATE TABLE ${quoteIdent(target)}.${quoteIdent(table)} (LIKE ${quoteIdent(live)}.${quoteIdent(table)} INCLUDING ALL)`);
  }
  return tables;
}

export interface ReplayOptions {
  batchSize: number;
  /** "rebuild", "verification": names the operation in errors. */
  what: string;
  /** Called before each transaction: throws to stop (a lost lock, a cancellation). */
  beforeBatch?: () => void;
  /** Runs inside each transaction, after `apply` (e.g. saves the copy's own checkpoint). */
  inBatch?: (tx: EntityManager, last: number) => Promise<void>;
  /** After each committed transaction. */
  afterBatch?: (cursor: ReplayCursor) => void;
}

/**
 * Replays the events after `cursor.position` up to `upTo` into `schema`, several batches' events per
 * `apply` and transaction, and advances `cursor` as transactions commit. A failing one names its positions.
 */
export async function replayInto(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  schema: string,
  cursor: ReplayCursor,
  upTo: number,
  options: ReplayOptions,
): Promise<void> {
  // The read's cursor is a copy: the target's own advances as its transactions commit, as before.
  await replayIntoAll([{ projection, schema, cursor, inBatch: options.inBatch }], store, dataSource, { ...cursor }, upTo, options);
}

/** A copy fed by `replayIntoAll`: its projection, its schema, how far it got, and what its transactions also do. */
export interface ReplayTarget {
  projection: Projection;
  schema: string;
  cursor: ReplayCursor;
  inBatch?: (tx: EntityManager, last: number) => Promise<void>;
}

/**
 * `replayInto` for several copies reading the log once: the events after `cursor.position` (the read's own
 * cursor) up to `upTo` are read page by page, and each page is applied to every target, each in its own
 * transaction (concurrently: one's `apply` runs while the others' statements run), each target's cursor
 * advancing as its transaction commits. `options.inBatch` is ignored: each target has its own.
 */
export async function replayIntoAll(
  targets: ReplayTarget[],
  store: EventStore,
  dataSource: DataSource,
  cursor: ReplayCursor,
  upTo: number,
  options: ReplayOptions,
): Promise<void> {
  // A copy is invisible until it is switched or compared: it takes several batches' events per `apply` and per
  // transaction, since a batch costs a few statements whatever its length (memory stays bounded by that size).
  const size = options.batchSize * BATCHES_PER_COPY_TRANSACTION;
  // The next events are read while these are applied: reading and writing overlap (on other connections), and
  // at most two reads are in memory whatever the log's length.
  const read = (after: number) => {
    const page = readUpTo(store, after, upTo, size);
    // Awaited at the next turn; a transaction failing first must not leave it as an unhandled rejection.
    page.catch(() => undefined);
    return page;
  };
  let next = cursor.position < upTo ? read(cursor.position) : null;
  while (next) {
    const batch = await next;
    next = null;
    if (batch.length === 0) return;
    options.beforeBatch?.();
    const last = batch[batch.length - 1].position;
    if (last < upTo) next = read(last);
    // All settled before failing: no transaction of this page is left running while the caller cleans up.
    const outcomes = await Promise.allSettled(targets.map((target) => applyToCopy(target, batch, last, dataSource, options.what)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    cursor.position = last;
    cursor.events += batch.length;
    options.afterBatch?.(cursor);
  }
}

/** One page into one copy, in one transaction; its cursor advances once committed. */
async function applyToCopy(target: ReplayTarget, batch: RecordedEvent[], last: number, dataSource: DataSource, what: string): Promise<void> {
  const { projection, schema, cursor, inBatch } = target;
  await dataSource
    .transaction(async (tx) => {
      await useCopySchema(tx, schema);
      await projection.apply(batch, tx);
      await inBatch?.(tx, last);
    })
    .catch((error: unknown) => {
      // Say where in the log, so that the failing event can be found; the live generation is untouched.
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${what} of ${projection.name} failed on events ${batch[0].position} to ${last}: ${message}`, { cause: error });
    });
  cursor.position = last;
  cursor.events += batch.length;
}

/** How many batches' events a replay into a copy applies at once, in one transaction (and one commit, with the copy's checkpoint). */
const BATCHES_PER_COPY_TRANSACTION = 8;

/**
 * `useSchema` for a copy's transaction, with an asynchronous commit: a copy's batches need no flush to disk each.
 * An asynchronous commit still keeps or loses a batch whole, with its checkpoint; a crash stops the replay anyway
 * (the next rebuild drops the copy), and the synchronous commit that switches or renames the copy flushes the
 * ones before it.
 */
async function useCopySchema(tx: EntityManager, schema: string): Promise<void> {
  await tx.query(`SELECT set_config('search_path', $1, true), set_config('synchronous_commit', 'off', true), ${PROJECTION_PLANNER_SETTINGS}`, [
    quoteIdent(schema),
  ]);
}

/**
 * Applies the events after `cursor.position` up to `upTo` into `schema` inside the caller's
 * transaction (a rebuild's switch, a verification's comparison), which must end exactly at `upTo`.
 */
export async function replayInTransaction(
  tx: EntityManager,
  projection: Projection,
  store: EventStore,
  schema: string,
  cursor: ReplayCursor,
  upTo: number,
  batchSize: number,
): Promise<void> {
  await useSchema(tx, schema);
  while (cursor.position < upTo) {
    const batch = await readUpTo(store, cursor.position, upTo, batchSize);
    if (batch.length === 0) throw new Error(`live checkpoint ${upTo} of ${projection.name} is beyond the log (${cursor.position})`);
    await projection.apply(batch, tx);
    cursor.position = batch[batch.length - 1].position;
    cursor.events += batch.length;
  }
}

/** The copy must have the live tables' columns: a migration meanwhile would make them differ. */
export async function checkSameColumns(tx: EntityManager, live: string, copy: string, what: string): Promise<void> {
  const columns = async (schema: string) =>
    JSON.stringify(
      await tx.query(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
        [schema],
      ),
    );
  if ((await columns(live)) !== (await columns(copy))) {
    throw new Error(`the tables of schema ${live} changed during the ${what} (a migration?): run the ${what} again`);
  }
}

export async function readUpTo(store: EventStore, after: number, upTo: number, max: number): Promise<RecordedEvent[]> {
  return (await store.readAll({ after, maxCount: max })).filter((e) => e.position <= upTo);
}

import { randomBytes } from 'node:crypto';
import type { EventStore } from '@suivi/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { readCheckpoints } from './checkpoints';
import { quoteIdent, type Projection } from './projection';
import { ProjectionLock } from './projection-lock';
import { checkSameColumns, checkSchemaName, copySchemaTables, replayInTransaction, replayInto, tablesOf, type ReplayCursor } from './replay';

/**
 * Verification of the read models against the log (`audit:verify`, `/api/audit/verification`):
 * each projection is replayed from zero into a scratch schema that is never switched in, then
 * compared with its live schema row by row, table by table, in SQL.
 *
 * Pinning both sides at one position, without stopping the live projection. The live runner
 * applies a batch and advances its checkpoint in one transaction, so any MVCC snapshot sees the
 * live tables exactly as of the checkpoint it sees. The comparison therefore runs in one
 * REPEATABLE READ transaction whose first statement reads the live checkpoint P: every later
 * statement of that transaction sees the live tables at P, whatever the runner commits meanwhile.
 * In the same transaction the scratch is brought from where the lock-free replay left it up to P
 * (its own writes are visible to it), and the two are compared. Nothing is locked: the live
 * runner keeps applying and reads keep answering; a write during the verification cannot produce
 * a difference, because neither side of the comparison sees it. (Holding the projection's
 * advisory lock cannot pause it: the runner holds that lock for as long as it runs; locking the
 * checkpoint row, as the rebuild's switch does, would stop the projection for the whole
 * comparison, which the snapshot makes unnecessary.)
 *
 * P is the live checkpoint, not the head of the log: a projection that lags or is stopped at an
 * event is compared at the position it reflects, and the replay is first chased up to near it
 * without any transaction held open, so the snapshot has few events left to apply.
 *
 * The one change a snapshot does not isolate is a rebuild switching generations (it renames
 * schemas, and names are resolved against the current catalog): the generation is read again
 * after the comparison, and a comparison that straddled a switch is run again.
 */

/** The advisory lock that makes one verification at a time run, across processes. */
export const VERIFICATION_LOCK = 'audit:verify';
/** Scratch schemas are `<schema>_verif_<8 hex>`, dropped at the end (or by the next verification). */
const SCRATCH_INFIX = '_verif_';
const SCRATCH_SUFFIX_LENGTH = SCRATCH_INFIX.length + 8;
export const scratchSchemaOf = (schema: string): string => `${schema}${SCRATCH_INFIX}${randomBytes(4).toString('hex')}`;

/** How many times the replay chases a moving live checkpoint before the snapshot applies the rest. */
const CATCH_UP_ROUNDS = 10;
/** Comparisons of one projection that may each be voided by a rebuild's switch before giving up. */
const COMPARE_ATTEMPTS = 3;
const DEFAULT_SAMPLE_SIZE = 5;

/** Types with no equality operator: compared through one that has (EXCEPT needs equality). */
const COMPARED_AS: Record<string, string> = {
  json: 'jsonb',
  xml: 'text',
  point: 'text',
  line: 'text',
  lseg: 'text',
  box: 'text',
  path: 'text',
  polygon: 'text',
  circle: 'text',
};

export interface VerificationProgress {
  projection: string;
  position: number;
  /** The live checkpoint the replay is heading for (grows while the live projection moves on). */
  target: number;
}

export interface VerificationOptions {
  batchSize: number;
  /** Differing rows reported per table and direction (the counts are always complete). */
  sampleSize?: number;
  onProgress?: (progress: VerificationProgress) => void;
  /** Stops the verification between two batches (its scratch schema is dropped). */
  signal?: AbortSignal;
}

/** One differing row: in the live read model only, in the replay only, or in both with other values. */
export interface RowDifference {
  /** The primary key's columns and values (empty for a table without one). */
  key: Record<string, unknown>;
  live: Record<string, unknown> | null;
  replayed: Record<string, unknown> | null;
  /** The columns whose values differ when the row is on both sides; every column otherwise. */
  columns: string[];
}

export interface TableComparison {
  /** `<live schema>.<table>` */
  table: string;
  keyColumns: string[];
  liveRows: number;
  replayedRows: number;
  /** Rows of the live table that the replay does not have (counted with multiplicity). */
  onlyInLive: number;
  /** Rows of the replay that the live table does not have. */
  onlyInReplay: number;
  /** At most `sampleSize` rows of each direction, by key; a row on both sides with other values is one sample. */
  samples: RowDifference[];
}

export interface ProjectionVerification {
  projection: string;
  schema: string;
  /** The log position at which both sides were compared: the live checkpoint pinned by the snapshot. */
  position: number;
  /** Events replayed into the scratch schema. */
  events: number;
  replaySeconds: number;
  compareSeconds: number;
  tables: TableComparison[];
  conforming: boolean;
}

export interface VerificationResult {
  /** Head of the log when the verification started. */
  head: number;
  projections: ProjectionVerification[];
  conforming: boolean;
  seconds: number;
}

export class VerificationAlreadyRunningError extends Error {}
export class VerificationCancelledError extends Error {}

export interface StartedVerification {
  /** Head of the log when the verification started. */
  head: number;
  /** The verification, running: it holds the verification lock until it settles. */
  done: Promise<VerificationResult>;
}

/**
 * Takes the verification lock (or throws VerificationAlreadyRunningError at once, so that a
 * caller can answer "already running" before anything starts), then verifies the projections
 * one after the other in the background.
 */
export async function beginVerification(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  connectionString: string,
  options: VerificationOptions,
): Promise<StartedVerification> {
  for (const projection of projections) checkSchemaName(projection, SCRATCH_SUFFIX_LENGTH);
  const lock = new ProjectionLock(connectionString, VERIFICATION_LOCK);
  if (!(await lock.tryAcquire())) throw new VerificationAlreadyRunningError('a verification is already running (audit:verify or the api)');
  let lockLost = false;
  lock.onceLost(() => (lockLost = true));
  const check = () => {
    if (options.signal?.aborted) throw new VerificationCancelledError('verification cancelled');
    // Without its lock, another verification could drop this one's scratch schemas as leftovers.
    if (lockLost) throw new Error('verification lost its lock (database connection dropped)');
  };
  let head: number;
  try {
    head = await store.headPosition();
  } catch (error) {
    await lock.release();
    throw error;
  }
  const done = (async (): Promise<VerificationResult> => {
    const started = Date.now();
    try {
      await dropLeftovers(dataSource, projections);
      const results: ProjectionVerification[] = [];
      for (const projection of projections) results.push(await verifyProjection(projection, store, dataSource, options, check));
      return { head, projections: results, conforming: results.every((r) => r.conforming), seconds: (Date.now() - started) / 1000 };
    } finally {
      await lock.release();
    }
  })();
  return { head, done };
}

/** The whole verification, awaited. */
export async function verifyProjections(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  connectionString: string,
  options: VerificationOptions,
): Promise<VerificationResult> {
  return (await beginVerification(projections, store, dataSource, connectionString, options)).done;
}

async function verifyProjection(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  options: VerificationOptions,
  check: () => void,
): Promise<ProjectionVerification> {
  const live = projection.schema;
  const scratch = scratchSchemaOf(live);
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const started = Date.now();
  const cursor: ReplayCursor = { position: 0, events: 0 };
  let target = 0;
  const progress = () => options.onProgress?.({ projection: projection.name, position: cursor.position, target });
  const liveCheckpoint = async () => (await readCheckpoints(dataSource.manager)).get(projection.name) ?? 0;

  await dataSource.transaction((tx) => copySchemaTables(tx, live, scratch));
  try {
    // 1. Replay without holding anything open, chasing the live checkpoint (never past it: the
    //    comparison's checkpoint can only be at or beyond what is read here).
    target = await liveCheckpoint();
    progress();
    const replay = (upTo: number) =>
      replayInto(projection, store, dataSource, scratch, cursor, upTo, { batchSize: options.batchSize, what: 'verification', beforeBatch: check, afterBatch: progress });
    await replay(target);
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const position = await liveCheckpoint();
      if (position - cursor.position <= options.batchSize) break;
      target = Math.max(target, position);
      await replay(position);
    }
    const replaySeconds = (Date.now() - started) / 1000;

    // 2. Pin the live side with a snapshot, bring the scratch to the same position inside it, compare.
    for (let attempt = 1; ; attempt++) {
      check();
      const compareStarted = Date.now();
      const at: ReplayCursor = { ...cursor };
      const generationBefore = (await checkpointOf(dataSource.manager, projection.name)).generation;
      let compared: { position: number; generation: number; tables: TableComparison[] } | null = null;
      let failure: unknown = null;
      try {
        compared = await dataSource.transaction('REPEATABLE READ', async (tx) => {
          // The first statement: it fixes the snapshot every later statement of this transaction sees.
          const pinned = await checkpointOf(tx, projection.name);
          if (pinned.position < at.position) {
            throw new Error(`the checkpoint of ${projection.name} went back during the verification (${at.position} → ${pinned.position}): run it again`);
          }
          await replayInTransaction(tx, projection, store, scratch, at, pinned.position, options.batchSize);
          await checkSameColumns(tx, live, scratch, 'verification');
          return { ...pinned, tables: await compareSchemas(tx, live, scratch, sampleSize) };
        });
        Object.assign(cursor, at);
      } catch (error) {
        // A switch meanwhile can also make the comparison fail (the catalog read through the snapshot
        // no longer describes the tables the names resolve to): then, and only then, it is tried again.
        failure = error;
      }
      // Read outside the snapshot: a rebuild that switched meanwhile has bumped the generation.
      const generation = (await checkpointOf(dataSource.manager, projection.name)).generation;
      if (compared && generation === compared.generation) {
        target = Math.max(target, cursor.position);
        progress();
        return {
          projection: projection.name,
          schema: live,
          position: compared.position,
          events: cursor.events,
          replaySeconds,
          compareSeconds: (Date.now() - compareStarted) / 1000,
          tables: compared.tables,
          conforming: compared.tables.every((t) => t.onlyInLive === 0 && t.onlyInReplay === 0),
        };
      }
      if (failure && generation === generationBefore) throw failure;
      if (attempt >= COMPARE_ATTEMPTS) {
        throw new Error(`${projection.name} was rebuilt during each of ${COMPARE_ATTEMPTS} comparisons: run the verification again`);
      }
    }
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(scratch)} CASCADE`).catch(() => undefined);
  }
}

async function checkpointOf(tx: EntityManager, name: string): Promise<{ position: number; generation: number }> {
  const rows: Array<{ position: string; generation: number }> = await tx.query(
    `SELECT position, generation FROM projections.checkpoints WHERE name = $1`,
    [name],
  );
  // Never run: nothing applied, the live tables must be empty.
  return rows.length === 0 ? { position: 0, generation: 0 } : { position: Number(rows[0].position), generation: rows[0].generation };
}

/** Scratch schemas of a verification that was killed: no other verification runs (the caller holds the lock). */
async function dropLeftovers(dataSource: DataSource, projections: Projection[]): Promise<void> {
  const likeLiteral = (s: string) => s.replace(/[\\_%]/g, '\\$&');
  const patterns = projections.map((p) => `${likeLiteral(p.schema + SCRATCH_INFIX)}%`);
  const rows: Array<{ nspname: string }> = await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE ANY ($1::text[])`, [patterns]);
  for (const { nspname } of rows) await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(nspname)} CASCADE`);
}

async function compareSchemas(tx: EntityManager, live: string, scratch: string, sampleSize: number): Promise<TableComparison[]> {
  const comparisons: TableComparison[] = [];
  for (const table of await tablesOf(tx, live)) comparisons.push(await compareTable(tx, live, scratch, table, sampleSize));
  return comparisons;
}

/**
 * Row by row with `EXCEPT ALL` both ways over the same column list (duplicates counted, NULLs
 * equal): the database does the work, no table is loaded into memory, only the counts and a
 * few sample rows come back.
 */
async function compareTable(tx: EntityManager, live: string, scratch: string, table: string, sampleSize: number): Promise<TableComparison> {
  const liveTable = `${quoteIdent(live)}.${quoteIdent(table)}`;
  const scratchTable = `${quoteIdent(scratch)}.${quoteIdent(table)}`;
  const columns: Array<{ name: string; type: string }> = await tx.query(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [liveTable],
  );
  const keyColumns: string[] = (
    await tx.query(
      `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [liveTable],
    )
  ).map((r: { name: string }) => r.name);
  const select = columns.map((c) => (COMPARED_AS[c.type] ? `${quoteIdent(c.name)}::${COMPARED_AS[c.type]} AS ${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
  const orderColumns = (keyColumns.length > 0 ? keyColumns : columns.map((c) => c.name)).map(quoteIdent);

  const only = async (from: string, minus: string): Promise<{ count: number; rows: Array<Record<string, unknown>> }> => {
    const [row] = await tx.query(
      `WITH d AS MATERIALIZED (SELECT ${select} FROM ${from} EXCEPT ALL SELECT ${select} FROM ${minus})
       SELECT (SELECT count(*) FROM d) AS count,
              (SELECT jsonb_agg(to_jsonb(s) ORDER BY ${orderColumns.map((c) => `s.${c}`).join(', ')})
               FROM (SELECT * FROM d ORDER BY ${orderColumns.join(', ')} LIMIT $1) s) AS rows`,
      [sampleSize],
    );
    // jsonb keeps its keys in an order of its own: back to the table's column order.
    const rows = ((row.rows ?? []) as Array<Record<string, unknown>>).map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name]])));
    return { count: Number(row.count), rows };
  };
  const [{ live_rows, replayed_rows }] = await tx.query(
    `SELECT (SELECT count(*) FROM ${liveTable}) AS live_rows, (SELECT count(*) FROM ${scratchTable}) AS replayed_rows`,
  );
  const onlyLive = await only(liveTable, scratchTable);
  const onlyReplay = await only(scratchTable, liveTable);
  return {
    table: `${live}.${table}`,
    keyColumns,
    liveRows: Number(live_rows),
    replayedRows: Number(replayed_rows),
    onlyInLive: onlyLive.count,
    onlyInReplay: onlyReplay.count,
    samples: pairSamples(keyColumns, columns.map((c) => c.name), onlyLive.rows, onlyReplay.rows),
  };
}

/** A live row and a replayed row with the same key are one row with other values: say which columns. */
function pairSamples(keyColumns: string[], columns: string[], live: Array<Record<string, unknown>>, replayed: Array<Record<string, unknown>>): RowDifference[] {
  const keyOf = (row: Record<string, unknown>) => Object.fromEntries(keyColumns.map((c) => [c, row[c]]));
  const keyString = (row: Record<string, unknown>) => JSON.stringify(keyColumns.map((c) => row[c]));
  const replayedByKey = new Map<string, Record<string, unknown>>(keyColumns.length > 0 ? replayed.map((r) => [keyString(r), r]) : []);
  const samples: RowDifference[] = [];
  for (const row of live) {
    const twin = replayedByKey.get(keyString(row));
    if (twin) replayedByKey.delete(keyString(row));
    samples.push({
      key: keyOf(row),
      live: row,
      replayed: twin ?? null,
      columns: twin ? columns.filter((c) => JSON.stringify(row[c]) !== JSON.stringify(twin[c])) : columns,
    });
  }
  const unpaired = keyColumns.length > 0 ? [...replayedByKey.values()] : replayed;
  for (const row of unpaired) samples.push({ key: keyOf(row), live: null, replayed: row, columns });
  return samples;
}

import type { EventStore } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import { quoteIdent, type Projection } from './projection';
import { deleteCheckpoint, ensureCheckpoint, lockCheckpoint, readCheckpoints, resetCheckpoint, saveCheckpoint } from './checkpoints';
import { ProjectionLock } from './projection-lock';
import type { ProjectionRunnerOptions } from './projection-runner';
import { checkSameColumns, checkSchemaName, copySchemaTables, replayInTransaction, replayInto, type ReplayCursor } from './replay';

export interface RebuildProgress {
  position: number;
  target: number;
}

export interface RebuildResult {
  /** Events applied to the new generation. */
  events: number;
  /** Checkpoint of the new generation: at least the old one's, and exactly what its tables reflect. */
  position: number;
  seconds: number;
}

export type RebuildOptions = Partial<ProjectionRunnerOptions> & {
  batchSize: number;
  onProgress?: (p: RebuildProgress) => void;
};

/** The schema a rebuild fills beside the live one. */
export const shadowSchemaOf = (schema: string): string => `${schema}_rebuild`;
/** The live generation's schema between the switch and its drop. */
export const retiredSchemaOf = (schema: string): string => `${schema}_old`;
/** The shadow's own checkpoint row (and the rebuild's lock): the live row is not touched until the switch. */
export const shadowCheckpointOf = (name: string): string => `${name}:rebuild`;

/** How many times the replay chases a moving live checkpoint before switching anyway. */
const CATCH_UP_ROUNDS = 10;

/**
 * Builds a new generation of a projection beside the live one, then swaps them; reads never
 * see a partial projection.
 *
 * 1. `<schema>_rebuild` is created with the live tables' definitions (leftovers of an
 *    interrupted rebuild are dropped first) and the log is replayed into it from zero, under
 *    its own checkpoint row, while the live generation goes on serving and following the log.
 *    Its secondary indexes are built after the replay, over whole tables, rather than row by row.
 * 2. One transaction switches: it locks the live checkpoint row (the live runner locks it first
 *    in every batch, so its next batch waits), applies to the shadow the events up to the live
 *    position, renames `<schema>` to `<schema>_old` and `<schema>_rebuild` to `<schema>`, and sets
 *    the live checkpoint to the shadow's position in a new generation. The live runner, woken
 *    by the generation change, resumes from that checkpoint in the new tables.
 * 3. `<schema>_old` is dropped (after reads still on it finish).
 *
 * Reads name tables `<schema>.<table>`, so they follow the rename. At the switch both
 * generations reflect the same position, so a read straddling it gets the same figures
 * from either. A failure before the switch leaves the live generation untouched.
 */
export async function rebuildProjection(
  projection: Projection,
  store: EventStore,
  dataSource: DataSource,
  connectionString: string,
  options: RebuildOptions,
): Promise<RebuildResult> {
  const started = Date.now();
  const live = projection.schema;
  checkSchemaName(projection, '_rebuild'.length);
  const shadow = shadowSchemaOf(live);
  const retired = retiredSchemaOf(live);
  const shadowName = shadowCheckpointOf(projection.name);
  const log = (message: string, fields: Record<string, unknown> = {}) =>
    options.log?.(message, { projection: projection.name, ...fields }, 'info');

  // One rebuild of a projection at a time: a second one would drop the first one's shadow.
  const lock = new ProjectionLock(connectionString, shadowName);
  if (!(await lock.tryAcquire())) throw new Error(`a rebuild of ${projection.name} is already running`);
  let lockLost = false;
  lock.onceLost(() => (lockLost = true));
  const checkLock = () => {
    if (lockLost) throw new Error(`rebuild of ${projection.name}: lost its lock (database connection dropped)`);
  };

  let switched = false;
  try {
    await createShadow(dataSource, live, shadow, retired, shadowName);
    const indexes = await dropSecondaryIndexes(dataSource, shadow);
    const cursor: ReplayCursor = { position: 0, events: 0 };
    let target = await store.headPosition();
    options.onProgress?.({ position: cursor.position, target });

    const replay = (upTo: number) =>
      replayInto(projection, store, dataSource, shadow, cursor, upTo, {
        batchSize: options.batchSize,
        what: 'rebuild',
        beforeBatch: checkLock,
        inBatch: (tx, last) => saveCheckpoint(tx, shadowName, last),
        afterBatch: ({ position }) => options.onProgress?.({ position, target }),
      });

    await replay(target);
    // Catch up with the live generation without any lock, so that the switch has little left to apply.
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const livePosition = (await readCheckpoints(dataSource.manager)).get(projection.name) ?? 0;
      // A distance in events on PostgreSQL; on EventStoreDB (log offsets) it overstates, which only
      // costs a few more rounds, bounded by CATCH_UP_ROUNDS.
      if (livePosition - cursor.position <= options.batchSize) break;
      target = Math.max(target, livePosition);
      await replay(livePosition);
    }

    // Built once over the whole table instead of row by row during the replay; before the switch, which reads them.
    for (const definition of indexes) {
      checkLock();
      await dataSource.query(definition);
    }

    checkLock();
    await dataSource.transaction(async (tx) => {
      // Blocks the live runner's next batch until commit; a batch in flight commits first.
      const current = await lockCheckpoint(tx, projection.name);
      await replayInTransaction(tx, projection, store, shadow, cursor, current.position, options.batchSize);
      // A migration that altered the live tables meanwhile would be undone by the switch: refuse it.
      await checkSameColumns(tx, live, shadow, 'rebuild');
      await tx.query(`ALTER SCHEMA ${quoteIdent(live)} RENAME TO ${quoteIdent(retired)}`);
      await tx.query(`ALTER SCHEMA ${quoteIdent(shadow)} RENAME TO ${quoteIdent(live)}`);
      await deleteCheckpoint(tx, shadowName);
      // Never behind the old checkpoint (`?apres=` and `fraicheur` keep their meaning), and exactly what the tables hold.
      await resetCheckpoint(tx, projection.name, cursor.position);
    });
    switched = true;
    const { position, events } = cursor;
    options.onProgress?.({ position, target: Math.max(target, position) });
    log('projection rebuilt and switched', { position, events });

    try {
      await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(retired)} CASCADE`);
    } catch (error) {
      // The new generation is live; the next rebuild drops what is left.
      log('could not drop the previous generation', { schema: retired, error: String(error) });
    }
    return { events, position, seconds: (Date.now() - started) / 1000 };
  } finally {
    if (!switched) await dropShadow(dataSource, shadow, shadowName).catch(() => undefined);
    await lock.release();
  }
}

/** The live schema's tables, copied empty (columns, defaults, constraints, indexes) into a fresh shadow schema. */
async function createShadow(dataSource: DataSource, live: string, shadow: string, retired: string, shadowName: string): Promise<void> {
  await dataSource.transaction(async (tx) => {
    // Leftovers of an interrupted rebuild: a shadow never switched, a previous generation never dropped.
    await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shadow)} CASCADE`);
    await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(retired)} CASCADE`);
    // The rename swaps the whole schema: anything but tables and their indexes would not be rebuilt (checked here).
    await copySchemaTables(tx, live, shadow);
    await ensureCheckpoint(tx, shadowName);
    await saveCheckpoint(tx, shadowName, 0);
  });
}

/**
 * Drops the shadow's indexes that neither enforce uniqueness nor back a constraint (what the projections' writes
 * rely on: keys, ON CONFLICT targets) and answers their definitions, to build them again after the replay: the
 * same names and definitions, so the switched schema is the live one's copy.
 */
async function dropSecondaryIndexes(dataSource: DataSource, shadow: string): Promise<string[]> {
  const indexes: Array<{ name: string; definition: string }> = await dataSource.query(
    `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
     WHERE n.nspname = $1 AND NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY ic.relname`,
    [shadow],
  );
  for (const { name } of indexes) await dataSource.query(`DROP INDEX ${quoteIdent(shadow)}.${quoteIdent(name)}`);
  return indexes.map((index) => index.definition);
}

async function dropShadow(dataSource: DataSource, shadow: string, shadowName: string): Promise<void> {
  await dataSource.transaction(async (tx) => {
    await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shadow)} CASCADE`);
    await deleteCheckpoint(tx, shadowName);
  });
}

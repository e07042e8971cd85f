import type { EventStore } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import { quoteIdent, type Projection } from './projection';
import { deleteCheckpoint, ensureCheckpoint, lockCheckpoint, readCheckpoints, resetCheckpoint, saveCheckpoint } from './checkpoints';
import { ProjectionLock } from './projection-lock';
import type { ProjectionRunnerOptions } from './projection-runner';
import { checkSameColumns, checkSchemaName, copySchemaTables, replayInTransaction, replayInto, replayIntoAll, type ReplayCursor } from './replay';

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
  const rebuild = await startRebuild(projection, dataSource, connectionString);
  try {
    const target = await store.headPosition();
    options.onProgress?.({ position: rebuild.cursor.position, target });
    await replayInto(projection, store, dataSource, rebuild.shadow, rebuild.cursor, target, {
      batchSize: options.batchSize,
      what: 'rebuild',
      beforeBatch: rebuild.checkLock,
      inBatch: (tx, last) => saveCheckpoint(tx, rebuild.shadowName, last),
      afterBatch: ({ position }) => options.onProgress?.({ position, target }),
    });
    return await catchUpAndSwitch(rebuild, store, dataSource, options, target, started);
  } finally {
    await endRebuild(rebuild, dataSource);
  }
}

/** The projections rebuilt by `rebuildProjections`, each with its own result. */
export interface RebuildAllResult {
  /** Events read from the log by the shared replay (each applied to every projection). */
  events: number;
  seconds: number;
  projections: Array<{ name: string } & RebuildResult>;
}

/**
 * Rebuilds several projections reading the log once: each batch read is applied to every projection's shadow
 * (concurrently, each in its own transaction with its own shadow checkpoint), so the log is read and decoded once
 * rather than once per projection. Each projection keeps `rebuildProjection`'s semantics: its own lock, shadow
 * schema and checkpoint row, its catch-up and switch (one after the other, after the shared replay). A failure
 * before a projection's switch leaves its live generation untouched and drops its shadow; the ones switched
 * before it stay switched (each switch is a whole new generation).
 */
export async function rebuildProjections(
  projections: Projection[],
  store: EventStore,
  dataSource: DataSource,
  connectionString: string,
  options: RebuildOptions,
): Promise<RebuildAllResult> {
  const started = Date.now();
  const rebuilds: ShadowRebuild[] = [];
  try {
    // Before any replay: every lock held (a rebuild of any of them already running refuses the whole) and every shadow ready.
    for (const projection of projections) rebuilds.push(await startRebuild(projection, dataSource, connectionString));
    const target = await store.headPosition();
    const cursor: ReplayCursor = { position: 0, events: 0 };
    options.onProgress?.({ position: 0, target });
    await replayIntoAll(
      rebuilds.map((r) => ({ projection: r.projection, schema: r.shadow, cursor: r.cursor, inBatch: (tx, last) => saveCheckpoint(tx, r.shadowName, last) })),
      store,
      dataSource,
      cursor,
      target,
      {
        batchSize: options.batchSize,
        what: 'rebuild',
        beforeBatch: () => rebuilds.forEach((r) => r.checkLock()),
        afterBatch: ({ position }) => options.onProgress?.({ position, target }),
      },
    );
    const results: RebuildAllResult['projections'] = [];
    for (const rebuild of rebuilds) {
      // Its catch-up reports its own positions: the shared bar stays at the replay's.
      const result = await catchUpAndSwitch(rebuild, store, dataSource, { ...options, onProgress: undefined }, target, started);
      results.push({ name: rebuild.projection.name, ...result });
      await endRebuild(rebuild, dataSource);
    }
    // The last report: every projection switched, at or beyond the replay's target.
    const end = Math.max(target, ...results.map((r) => r.position));
    options.onProgress?.({ position: end, target: end });
    return { events: cursor.events, seconds: (Date.now() - started) / 1000, projections: results };
  } finally {
    // Those not switched: shadow dropped, lock released (ended ones are skipped).
    for (const rebuild of rebuilds) await endRebuild(rebuild, dataSource);
  }
}

/** A projection's rebuild in progress: its lock held, its shadow created. */
interface ShadowRebuild {
  projection: Projection;
  shadow: string;
  retired: string;
  shadowName: string;
  lock: ProjectionLock;
  /** Definitions of the shadow's secondary indexes, built again before the switch. */
  indexes: string[];
  cursor: ReplayCursor;
  /** Throws once the lock is lost. */
  checkLock: () => void;
  switched: boolean;
  ended: boolean;
}

/** Takes the projection's rebuild lock and creates its empty shadow (dropping leftovers of an interrupted rebuild). */
async function startRebuild(projection: Projection, dataSource: DataSource, connectionString: string): Promise<ShadowRebuild> {
  const live = projection.schema;
  checkSchemaName(projection, '_rebuild'.length);
  const shadowName = shadowCheckpointOf(projection.name);
  // One rebuild of a projection at a time: a second one would drop the first one's shadow.
  const lock = new ProjectionLock(connectionString, shadowName);
  if (!(await lock.tryAcquire())) throw new Error(`a rebuild of ${projection.name} is already running`);
  let lockLost = false;
  lock.onceLost(() => (lockLost = true));
  const rebuild: ShadowRebuild = {
    projection,
    shadow: shadowSchemaOf(live),
    retired: retiredSchemaOf(live),
    shadowName,
    lock,
    indexes: [],
    cursor: { position: 0, events: 0 },
    checkLock: () => {
      if (lockLost) throw new Error(`rebuild of ${projection.name}: lost its lock (database connection dropped)`);
    },
    switched: false,
    ended: false,
  };
  try {
    await createShadow(dataSource, live, rebuild.shadow, rebuild.retired, shadowName);
    rebuild.indexes = await dropSecondaryIndexes(dataSource, rebuild.shadow);
    return rebuild;
  } catch (error) {
    await endRebuild(rebuild, dataSource);
    throw error;
  }
}

/** Drops the shadow unless switched, and releases the lock; once. */
async function endRebuild(rebuild: ShadowRebuild, dataSource: DataSource): Promise<void> {
  if (rebuild.ended) return;
  rebuild.ended = true;
  try {
    if (!rebuild.switched) await dropShadow(dataSource, rebuild.shadow, rebuild.shadowName).catch(() => undefined);
  } finally {
    await rebuild.lock.release();
  }
}

/**
 * After the replay up to `target`: catches up with the live generation, builds the secondary indexes, switches
 * (see `rebuildProjection`) and drops the previous generation.
 */
async function catchUpAndSwitch(
  rebuild: ShadowRebuild,
  store: EventStore,
  dataSource: DataSource,
  options: RebuildOptions,
  replayed: number,
  started: number,
): Promise<RebuildResult> {
  const { projection, shadow, retired, shadowName, cursor, checkLock } = rebuild;
  const live = projection.schema;
  const log = (message: string, fields: Record<string, unknown> = {}) =>
    options.log?.(message, { projection: projection.name, ...fields }, 'info');
  let target = replayed;
  // Catch up with the live generation without any lock, so that the switch has little left to apply.
  for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
    const livePosition = (await readCheckpoints(dataSource.manager)).get(projection.name) ?? 0;
    // A distance in events on PostgreSQL; on EventStoreDB (log offsets) it overstates, which only
    // costs a few more rounds, bounded by CATCH_UP_ROUNDS.
    if (livePosition - cursor.position <= options.batchSize) break;
    target = Math.max(target, livePosition);
    await replayInto(projection, store, dataSource, shadow, cursor, livePosition, {
      batchSize: options.batchSize,
      what: 'rebuild',
      beforeBatch: checkLock,
      inBatch: (tx, last) => saveCheckpoint(tx, shadowName, last),
      afterBatch: ({ position }) => options.onProgress?.({ position, target }),
    });
  }

  // Built once over the whole table instead of row by row during the replay; before the switch, which reads them.
  for (const definition of rebuild.indexes) {
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
  rebuild.switched = true;
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

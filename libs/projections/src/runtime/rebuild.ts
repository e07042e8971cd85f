import type { EventStore, RecordedEvent } from '@suivi/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdent, useSchema, type Projection } from './projection';
import { deleteCheckpoint, ensureCheckpoint, lockCheckpoint, readCheckpoints, resetCheckpoint, saveCheckpoint } from './checkpoints';
import { ProjectionLock } from './projection-lock';
import type { ProjectionRunnerOptions } from './projection-runner';

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
  // Identifiers are spliced into DDL: only plain ones, short enough for the suffixes (63 bytes).
  if (!/^[a-z_][a-z0-9_]{0,54}$/.test(live)) throw new Error(`projection ${projection.name}: unsupported schema name "${live}"`);
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
    let position = 0;
    let events = 0;
    let target = await store.headPosition();
    options.onProgress?.({ position, target });

    const replay = async (upTo: number) => {
      while (position < upTo) {
        checkLock();
        const batch = await readUpTo(store, position, upTo, options.batchSize);
        if (batch.length === 0) return;
        const last = batch[batch.length - 1].position;
        await dataSource
          .transaction(async (tx) => {
            await useSchema(tx, shadow);
            await projection.apply(batch, tx);
            await saveCheckpoint(tx, shadowName, last);
          })
          .catch((error: unknown) => {
            // Say where in the log, so that the failing event can be found; the live generation is untouched.
            const message = error instanceof Error ? error.message : String(error);
            throw new Error(`rebuild of ${projection.name} failed on events ${batch[0].position} to ${last}: ${message}`, { cause: error });
          });
        position = last;
        events += batch.length;
        options.onProgress?.({ position, target });
      }
    };

    await replay(target);
    // Catch up with the live generation without any lock, so that the switch has little left to apply.
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const livePosition = (await readCheckpoints(dataSource.manager)).get(projection.name) ?? 0;
      // A distance in events on PostgreSQL; on EventStoreDB (log offsets) it overstates, which only
      // costs a few more rounds, bounded by CATCH_UP_ROUNDS.
      if (livePosition - position <= options.batchSize) break;
      target = Math.max(target, livePosition);
      await replay(livePosition);
    }

    checkLock();
    await dataSource.transaction(async (tx) => {
      // Blocks the live runner's next batch until commit; a batch in flight commits first.
      const current = await lockCheckpoint(tx, projection.name);
      await useSchema(tx, shadow);
      while (position < current.position) {
        const batch = await readUpTo(store, position, current.position, options.batchSize);
        if (batch.length === 0) throw new Error(`live checkpoint ${current.position} of ${projection.name} is beyond the log (${position})`);
        await projection.apply(batch, tx);
        position = batch[batch.length - 1].position;
        events += batch.length;
      }
      await checkSameColumns(tx, live, shadow);
      await tx.query(`ALTER SCHEMA ${quoteIdent(live)} RENAME TO ${quoteIdent(retired)}`);
      await tx.query(`ALTER SCHEMA ${quoteIdent(shadow)} RENAME TO ${quoteIdent(live)}`);
      await deleteCheckpoint(tx, shadowName);
      // Never behind the old checkpoint (`?apres=` and `fraicheur` keep their meaning), and exactly what the tables hold.
      await resetCheckpoint(tx, projection.name, position);
    });
    switched = true;
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
    const relations: Array<{ relname: string; relkind: string }> = await tx.query(
      `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`,
      [live],
    );
    // The rename swaps the whole schema: anything but tables and their indexes would not be rebuilt.
    const others = relations.filter((r) => !['r', 'i'].includes(r.relkind));
    if (others.length > 0) throw new Error(`schema ${live} holds more than tables: ${others.map((r) => r.relname).join(', ')}`);
    const tables = relations.filter((r) => r.relkind === 'r').map((r) => r.relname);
    if (tables.length === 0) throw new Error(`schema ${live} has no table: are the migrations applied?`);
    await tx.query(`CREATE SCHEMA ${quoteIdent(shadow)}`);
    for (const table of tables) {
      await tx.query(`CREATE TABLE ${quoteIdent(shadow)}.${quoteIdent(table)} (LIKE ${quoteIdent(live)}.${quoteIdent(table)} INCLUDING ALL)`);
    }
    await ensureCheckpoint(tx, shadowName);
    await saveCheckpoint(tx, shadowName, 0);
  });
}

async function dropShadow(dataSource: DataSource, shadow: string, shadowName: string): Promise<void> {
  await dataSource.transaction(async (tx) => {
    await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shadow)} CASCADE`);
    await deleteCheckpoint(tx, shadowName);
  });
}

/** A migration that altered the live tables during the rebuild would be undone by the switch: refuse it. */
async function checkSameColumns(tx: EntityManager, live: string, shadow: string): Promise<void> {
  const columns = async (schema: string) =>
    JSON.stringify(
      await tx.query(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
        [schema],
      ),
    );
  if ((await columns(live)) !== (await columns(shadow))) {
    throw new Error(`the tables of schema ${live} changed during the rebuild (a migration?): run the rebuild again`);
  }
}

async function readUpTo(store: EventStore, after: number, upTo: number, max: number): Promise<RecordedEvent[]> {
  return (await store.readAll({ after, maxCount: max })).filter((e) => e.position <= upTo);
}

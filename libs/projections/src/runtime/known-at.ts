import { randomBytes } from 'node:crypto';
import type { EventStore } from '@suivi/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdent, type Projection } from './projection';
import { checkSameColumns, checkSchemaName, copySchemaTables, replayInto, type ReplayCursor } from './replay';

/**
 * The last position of the log recorded at or before `instant` (0: nothing yet). Recording times never
 * decrease along the log (PostgreSQL: the append records the later of now() and the head's time, even
 * when the server's clock steps back, append-many.migration.ts), so a binary search over the log finds it
 * in about log2(head) single-event reads, whatever the store.
 */
export async function positionKnownAt(store: EventStore, instant: Date): Promise<number> {
  const at = async (after: number) => (await store.readAll({ after, maxCount: 1 }))[0];
  let low = 0; // recorded at or before the instant (0: the start)
  let high = await store.headPosition();
  const last = high > 0 ? await at(high - 1) : undefined;
  if (!last || Date.parse(last.metadata.recordedAt) <= instant.getTime()) return high;
  // Invariant: the event at `high` was recorded after the instant.
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const event = await at(middle - 1);
    if (!event || event.position >= high) {
      high = middle;
      continue;
    }
    if (Date.parse(event.metadata.recordedAt) <= instant.getTime()) low = event.position;
    else high = event.position;
  }
  return low;
}

const PREFIX = '_au_';
const BUILDING = '_tmp_';

export interface KnownAtProgress {
  position: number;
  cible: number;
}

/**
 * A projection's read model as it was at a past position of the log: replayed from the start up
 * to that position into a scratch schema `<schema>_au_<position>`, then kept (the `keep` most
 * recently built per projection) so that asking again costs nothing. The replay costs what a
 * rebuild up to that position costs: about the projection's replay rate (docs in the README).
 *
 * A build happens under a temporary name and is renamed when complete: a schema with the final
 * name is always whole. Two processes building the same position each finish their copy; the
 * second rename fails and that copy is dropped.
 */
export class KnownAtStates {
  private readonly builds = new Map<string, { promise: Promise<string>; progress: KnownAtProgress }>();

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly options: { batchSize: number; keep?: number },
  ) {}

  static schemaOf(projection: Projection, position: number): string {
    return `${projection.schema}${PREFIX}${position}`;
  }

  /** The scratch schema of the projection at this position, building it if needed; waits at most `waitMs`. */
  async prepare(projection: Projection, position: number, waitMs: number): Promise<{ schema: string } | { progress: KnownAtProgress }> {
    const schema = KnownAtStates.schemaOf(projection, position);
    checkSchemaName(projection, schema.length - projection.schema.length + BUILDING.length + 20);
    if (await this.exists(schema)) {
      if (await this.sameColumns(projection, schema)) return { schema };
      // Built before a migration changed the live tables: the queries of today would not fit it.
      await this.drop(schema);
    }
    const key = `${projection.name}@${position}`;
    let build = this.builds.get(key);
    if (!build) {
      const progress = { position: 0, cible: position };
      const promise = this.build(projection, position, schema, progress).finally(() => this.builds.delete(key));
      // A build outlives the request that started it: its failure is answered to the next asker.
      promise.catch(() => undefined);
      build = { promise, progress };
      this.builds.set(key, build);
    }
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), waitMs).unref());
    const done = await Promise.race([build.promise, timeout]);
    return done ? { schema: done } : { progress: { ...build.progress } };
  }

  private async build(projection: Projection, position: number, schema: string, progress: KnownAtProgress): Promise<string> {
    const building = `${schema}${BUILDING}${Math.floor(Date.now() / 1000)}${randomBytes(2).toString('hex')}`;
    await this.dataSource.transaction((tx) => copySchemaTables(tx, projection.schema, building));
    try {
      const cursor: ReplayCursor = { position: 0, events: 0 };
      await replayInto(projection, this.store, this.dataSource, building, cursor, position, {
        batchSize: this.options.batchSize,
        what: `replay up to position ${position}`,
        afterBatch: (c) => (progress.position = c.position),
      });
      await this.dataSource.transaction(async (tx) => {
        await tx.query(`ALTER SCHEMA ${quoteIdent(building)} RENAME TO ${quoteIdent(schema)}`);
        await tx.query(`COMMENT ON SCHEMA ${quoteIdent(schema)} IS '${new Date().toISOString()}'`);
      });
    } catch (error) {
      await this.drop(building);
      if (await this.exists(schema)) return schema;
      throw error;
    }
    await this.evict(projection);
    return schema;
  }

  /** Keeps the `keep` most recently built copies of the projection; drops older ones and abandoned builds (over an hour old). */
  private async evict(projection: Projection): Promise<void> {
    const rows: Array<{ nspname: string; built: string | null }> = await this.dataSource.query(
      `SELECT nspname, obj_description(oid, 'pg_namespace') AS built FROM pg_namespace WHERE nspname LIKE $1 ORDER BY 2 DESC NULLS LAST`,
      [`${projection.schema}${PREFIX}%`],
    );
    const keep = this.options.keep ?? 3;
    const complete = rows.filter((r) => !r.nspname.includes(BUILDING));
    const abandoned = rows.filter((r) => {
      const started = /_tmp_(\d+)/.exec(r.nspname);
      return started !== null && Date.now() / 1000 - Number(started[1]) > 3600;
    });
    for (const row of [...complete.slice(keep), ...abandoned]) await this.drop(row.nspname);
  }

  private async sameColumns(projection: Projection, schema: string): Promise<boolean> {
    try {
      await checkSameColumns(this.dataSource.manager, projection.schema, schema, 'kept copy');
      return true;
    } catch {
      return false;
    }
  }

  private async exists(schema: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
    return rows.length > 0;
  }

  private async drop(schema: string): Promise<void> {
    await this.dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  }
}

/**
 * The projection's queries, read from another copy of its schema: they name their tables
 * `<schema>.<table>`, and this reads each of those from `copy` instead. Only `query` is used by them.
 */
export function readingFrom(em: EntityManager, schema: string, copy: string): EntityManager {
  const qualified = new RegExp(`\\b${schema}\\.`, 'g');
  return { query: (sql: string, parameters?: unknown[]) => em.query(sql.replace(qualified, `${quoteIdent(copy)}.`), parameters) } as EntityManager;
}

import { DataSource } from 'typeorm';
import { PostgresEventStore } from '@suivi/event-store';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { appendDemoYears } from '../../../../apps/cli/src/bench/replay-bench';
import { allProjections } from '../all-projections';
import type { Projection } from './projection';
import { rebuildProjection, rebuildProjections, shadowCheckpointOf } from './rebuild';
import { tablesOf } from './replay';

/**
 * `projections:rebuild` without a name reads the log once for every projection (`rebuildProjections`): each
 * projection must end with exactly the tables that rebuilding it alone gives, and a failure of one must leave
 * every live generation untouched.
 */
describe('rebuilding all projections in one pass over the log (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  const projections = allProjections();
  // Small batches: many pages, each applied to every projection.
  const options = { batchSize: 100, log: () => undefined };

  beforeAll(async () => {
    db = await createMigratedTestDatabase('rebuild_all');
    store = new PostgresEventStore({ connectionString: db.url });
    dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    // A demo year of domain events (registrations, placements, declarations, corrections, endings, avenants).
    await appendDemoYears(store, 0, 1);
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Every projection's tables, rows sorted, by `schema.table`. */
  const tables = async (): Promise<Record<string, string[]>> => {
    const all: Record<string, string[]> = {};
    for (const { schema } of projections) {
      for (const table of await tablesOf(dataSource.manager, schema)) {
        const rows: unknown[] = await dataSource.query(`SELECT * FROM "${schema}"."${table}"`);
        all[`${schema}.${table}`] = rows.map((row) => JSON.stringify(row)).sort();
      }
    }
    return all;
  };
  const checkpoints = async () =>
    Object.fromEntries(
      (await dataSource.query(`SELECT name, position::int FROM projections.checkpoints ORDER BY name`)).map((r: { name: string; position: number }) => [r.name, r.position]),
    );
  const leftovers = async () =>
    (await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_rebuild' OR nspname LIKE '%\\_old'`)).map((r: { nspname: string }) => r.nspname);

  it('gives every projection exactly the tables of rebuilding it alone, switched at the head', async () => {
    const head = await store.headPosition();
    expect(head).toBeGreaterThan(1_000);
    for (const projection of projections) await rebuildProjection(projection, store, dataSource, db.url, options);
    const alone = await tables();
    expect(Object.values(alone).some((rows) => rows.length > 0)).toBe(true);

    const progress: number[] = [];
    const result = await rebuildProjections(projections, store, dataSource, db.url, { ...options, onProgress: (p) => progress.push(p.position) });

    expect(result.events).toBe(head);
    expect(result.projections.map((p) => [p.name, p.events, p.position])).toEqual(projections.map((p) => [p.name, head, head]));
    expect(progress.at(-1)).toBe(head);
    expect(await tables()).toEqual(alone);
    const positions = await checkpoints();
    for (const projection of projections) {
      expect(positions[projection.name]).toBe(head);
      expect(positions[shadowCheckpointOf(projection.name)]).toBeUndefined();
    }
    expect(await leftovers()).toEqual([]);
  }, 300_000);

  it('a projection failing during the shared replay leaves every live generation untouched and no shadow behind', async () => {
    const before = await tables();
    const positions = await checkpoints();
    const failAt = Math.floor((await store.headPosition()) / 2);
    const [first, ...others] = projections;
    // The failing one is not the first: the others' transactions of the same page run too.
    const broken: Projection = Object.assign(Object.create(others[1]), {
      apply: async (events: Parameters<Projection['apply']>[0], tx: Parameters<Projection['apply']>[1]) => {
        if (events.some((e) => e.position >= failAt)) throw new Error('cannot apply');
        await others[1].apply(events, tx);
      },
    });
    const withBroken = [first, others[0], broken, ...others.slice(2)];

    await expect(rebuildProjections(withBroken, store, dataSource, db.url, options)).rejects.toThrow(`rebuild of ${others[1].name} failed on events`);
    expect(await tables()).toEqual(before);
    expect(await checkpoints()).toEqual(positions);
    expect(await leftovers()).toEqual([]);
  }, 300_000);
});

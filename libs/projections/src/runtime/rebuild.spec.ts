import { StreamTypeCountsProjection } from '../stream-type-counts/stream-type-counts.projection';
import type { Projection } from './projection';
import { rebuildProjection, shadowCheckpointOf } from './rebuild';
import type { RecordedEvent } from '@suivi/event-store';
import { appendTestEvents, openRuntimeTestBed, streamTypeCountsInLog, streamTypeCountsOf, until } from './runtime.testing';

/**
 * A rebuild fills a shadow schema and switches by renaming: the live generation stays whole
 * and its checkpoint never goes back, whatever happens to the rebuild.
 */
describe('rebuild beside the live projection (real PostgreSQL)', () => {
  let bed: Awaited<ReturnType<typeof openRuntimeTestBed>>;
  let db: typeof bed.db;
  let store: typeof bed.store;
  let dataSource: typeof bed.dataSource;
  const options = { batchSize: 20, standbyRetryMs: 50, log: () => undefined };
  const projection = new StreamTypeCountsProjection();

  beforeAll(async () => {
    bed = await openRuntimeTestBed('rebuild');
    ({ db, store, dataSource } = bed);
    await append('marche', 200);
    await append('salarie', 150);
  });
  afterEach(() => bed.stopRunners());
  afterAll(async () => {
    await bed.close();
  });

  const liveRunner = () => bed.liveRunner(projection, options);
  const append = (type: string, count: number) => appendTestEvents(store, type, count);
  const readModel = () => streamTypeCountsOf(dataSource);
  const expected = () => streamTypeCountsInLog(dataSource);
  const checkpoint = async (name = projection.name): Promise<{ position: number; generation: number } | undefined> => {
    const [row] = await dataSource.query(`SELECT position::int, generation FROM projections.checkpoints WHERE name = $1`, [name]);
    return row;
  };
  const leftovers = async () =>
    (await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'stream\\_type\\_counts\\_%' ORDER BY 1`)).map(
      (r: { nspname: string }) => r.nspname,
    );
  const caughtUp = async () => ((await checkpoint())?.position ?? 0) === (await store.headPosition());
  /** The projection, with its `apply` replaced (name and schema kept). */
  const withApply = (apply: (events: RecordedEvent[], tx: Parameters<Projection['apply']>[1]) => Promise<void>): Projection =>
    Object.assign(Object.create(projection), { apply });

  it('switches to the new generation while the live runner follows appends: its checkpoint never goes back', async () => {
    liveRunner();
    await until(caughtUp);
    const before = (await checkpoint())!;

    // Appends and a poll of the live checkpoint during the whole rebuild.
    let done = false;
    const seen: number[] = [];
    const poll = (async () => {
      while (!done) {
        seen.push((await checkpoint())!.position);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const appends = (async () => {
      for (let i = 0; i < 15; i++) {
        await append(i % 2 ? 'entreprise' : 'operation', 7);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const slow = withApply(async (events, tx) => {
      await new Promise((r) => setTimeout(r, 5));
      await projection.apply(events, tx);
    });
    const result = await rebuildProjection(slow, store, dataSource, db.url, options);
    await appends;
    done = true;
    await poll;

    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect({ i, position: seen[i] }).toEqual({ i, position: Math.max(seen[i], seen[i - 1]) });
    expect(result.position).toBeGreaterThanOrEqual(before.position);
    expect((await checkpoint())!.generation).toBe(before.generation + 1);
    await until(caughtUp);
    expect(await readModel()).toEqual(await expected());
    expect(await leftovers()).toEqual([]);
    expect(await checkpoint(shadowCheckpointOf(projection.name))).toBeUndefined();
  });

  it('a rebuild that fails leaves the live generation untouched and its shadow dropped', async () => {
    const live = await readModel();
    const before = (await checkpoint())!;
    const failAt = Math.floor((await store.headPosition()) / 2);
    const broken = withApply(async (events, tx) => {
      if (events.some((e) => e.position >= failAt)) throw new Error('cannot apply');
      await projection.apply(events, tx);
    });

    await expect(rebuildProjection(broken, store, dataSource, db.url, options)).rejects.toThrow('cannot apply');
    expect(await readModel()).toEqual(live);
    expect(await checkpoint()).toEqual(before);
    expect(await leftovers()).toEqual([]);
    expect(await checkpoint(shadowCheckpointOf(projection.name))).toBeUndefined();
  });

  it('drops what an interrupted rebuild left (shadow, previous generation, shadow checkpoint) at the next one', async () => {
    // As a rebuild killed mid-replay, and one killed between its switch and its drop, leave them.
    await dataSource.query(`CREATE SCHEMA stream_type_counts_rebuild`);
    await dataSource.query(`CREATE TABLE stream_type_counts_rebuild.stream_type_counts (LIKE stream_type_counts.stream_type_counts INCLUDING ALL)`);
    await dataSource.query(`INSERT INTO stream_type_counts_rebuild.stream_type_counts VALUES ('junk', 999, 999)`);
    await dataSource.query(`CREATE SCHEMA stream_type_counts_old`);
    await dataSource.query(`INSERT INTO projections.checkpoints (name, position) VALUES ($1, 123)`, [shadowCheckpointOf(projection.name)]);

    const result = await rebuildProjection(projection, store, dataSource, db.url, options);
    expect(result.events).toBe(await store.headPosition());
    expect(await readModel()).toEqual(await expected());
    expect(await leftovers()).toEqual([]);
    expect(await checkpoint(shadowCheckpointOf(projection.name))).toBeUndefined();
  });

  it('refuses a second rebuild of the same projection while one runs, without disturbing it', async () => {
    let started!: () => void;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    const slow = withApply(async (events, tx) => {
      started();
      await new Promise((r) => setTimeout(r, 20));
      await projection.apply(events, tx);
    });
    const first = rebuildProjection(slow, store, dataSource, db.url, options);
    await startedP;
    await expect(rebuildProjection(projection, store, dataSource, db.url, options)).rejects.toThrow('already running');
    await first;
    expect(await readModel()).toEqual(await expected());
    expect(await leftovers()).toEqual([]);
  });

  it('applies inside the switch the events the live runner applied beyond the shadow', async () => {
    // Appended once the replay started: the live runner applies them, the shadow gets them under the switch's lock.
    const runner = liveRunner();
    await until(async () => runner.active);
    let appended = false;
    const appendOnce = withApply(async (events, tx) => {
      if (!appended) {
        appended = true;
        await append('placement', options.batchSize - 1);
        await until(caughtUp);
      }
      await projection.apply(events, tx);
    });
    const progress: number[] = [];
    const result = await rebuildProjection(appendOnce, store, dataSource, db.url, { ...options, onProgress: (p) => progress.push(p.position) });
    expect(result.position).toBe(await store.headPosition());
    // The replay stopped short of it; the last report is the switch's.
    expect(progress.at(-2)).toBeLessThan(result.position);
    expect(await readModel()).toEqual(await expected());
  });
});


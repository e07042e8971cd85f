import type { RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';
import { StreamTypeCountsProjection } from '../stream-type-counts/stream-type-counts.projection';
import type { Projection } from './projection';
import { ProjectionLock } from './projection-lock';
import { rebuildProjection } from './rebuild';
import { appendTestEvents, openRuntimeTestBed, streamTypeCountsInLog, streamTypeCountsOf, until } from './runtime.testing';
import { beginVerification, VERIFICATION_LOCK, VerificationAlreadyRunningError, verifyProjections } from './verification';

/**
 * The verification replays a projection into a scratch schema and compares it with the live one
 * at the live checkpoint pinned by a snapshot (real PostgreSQL, a real live runner).
 */
describe('verification of a read model against the log (real PostgreSQL)', () => {
  let bed: Awaited<ReturnType<typeof openRuntimeTestBed>>;
  let db: typeof bed.db;
  let store: typeof bed.store;
  let dataSource: typeof bed.dataSource;
  const options = { batchSize: 20, standbyRetryMs: 50, log: () => undefined };
  const projection = new StreamTypeCountsProjection();
  const TABLE = 'stream_type_counts.stream_type_counts';

  beforeAll(async () => {
    bed = await openRuntimeTestBed('verification');
    ({ db, store, dataSource } = bed);
    await append('marche', 120);
    await append('salarie', 90);
  });
  afterEach(() => bed.stopRunners());
  afterAll(async () => {
    await bed.close();
  });

  const liveRunner = () => bed.liveRunner(projection, options);
  const append = (type: string, count: number) => appendTestEvents(store, type, count);
  const checkpoint = async (): Promise<number> =>
    Number((await dataSource.query(`SELECT position FROM projections.checkpoints WHERE name = $1`, [projection.name]))[0]?.position ?? 0);
  const caughtUp = async () => (await checkpoint()) === (await store.headPosition());
  const verify = (p: Projection = projection, extra = {}) => verifyProjections([p], store, dataSource, db.url, { batchSize: options.batchSize, ...extra });
  const scratchSchemas = async () =>
    (await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_verif\\_%' ORDER BY 1`)).map((r: { nspname: string }) => r.nspname);
  /** The projection with its `apply` wrapped (name and schema kept). */
  const withApply = (apply: (events: RecordedEvent[], tx: EntityManager) => Promise<void>): Projection => Object.assign(Object.create(projection), { apply });
  const inSnapshot = async (tx: EntityManager) => (await tx.query(`SELECT current_setting('transaction_isolation') AS i`))[0].i === 'repeatable read';

  it('finds the live read model equal to the replay, at the live checkpoint, and leaves no scratch schema', async () => {
    liveRunner();
    await until(caughtUp);
    const progress: Array<{ position: number; target: number }> = [];
    const result = await verify(projection, { onProgress: (p: { position: number; target: number }) => progress.push(p) });

    expect(result.conforming).toBe(true);
    expect(result.head).toBe(await store.headPosition());
    const [verified] = result.projections;
    expect(verified).toMatchObject({ projection: 'stream-type-counts', schema: 'stream_type_counts', position: result.head, events: result.head, conforming: true });
    expect(verified.tables).toEqual([
      { table: TABLE, keyColumns: ['stream_type'], liveRows: 2, replayedRows: 2, onlyInLive: 0, onlyInReplay: 0, samples: [] },
    ]);
    expect(progress.at(-1)).toEqual({ projection: 'stream-type-counts', position: result.head, target: result.head });
    expect(await scratchSchemas()).toEqual([]);
  });

  it('reports a row altered, deleted or added in SQL, with its key and the columns that differ', async () => {
    liveRunner();
    await until(caughtUp);
    const [{ last_position: salarieLast }] = await dataSource.query(`SELECT last_position FROM ${TABLE} WHERE stream_type = 'salarie'`);
    await dataSource.query(`UPDATE ${TABLE} SET events = events + 1 WHERE stream_type = 'marche'`);
    await dataSource.query(`DELETE FROM ${TABLE} WHERE stream_type = 'salarie'`);
    await dataSource.query(`INSERT INTO ${TABLE} (stream_type, events, last_position) VALUES ('fantome', 3, 7)`);
    try {
      const result = await verify();
      expect(result.conforming).toBe(false);
      const [table] = result.projections[0].tables;
      expect(table).toMatchObject({ table: TABLE, liveRows: 2, replayedRows: 2, onlyInLive: 2, onlyInReplay: 2 });
      expect(table.samples).toEqual([
        { key: { stream_type: 'fantome' }, live: { stream_type: 'fantome', events: 3, last_position: 7 }, replayed: null, columns: ['stream_type', 'events', 'last_position'] },
        { key: { stream_type: 'marche' }, live: expect.objectContaining({ events: 121 }), replayed: expect.objectContaining({ events: 120 }), columns: ['events'] },
        { key: { stream_type: 'salarie' }, live: null, replayed: { stream_type: 'salarie', events: 90, last_position: Number(salarieLast) }, columns: ['stream_type', 'events', 'last_position'] },
      ]);
    } finally {
      await rebuildProjection(projection, store, dataSource, db.url, options);
    }
    expect((await verify()).conforming).toBe(true);
  });

  it('compares a lagging projection at its own checkpoint, not at the head of the log', async () => {
    // No runner: the live read model stays where it is while the log grows.
    const before = await checkpoint();
    await append('entreprise', 30);
    const result = await verify();
    expect(result.head).toBe(before + 30);
    expect(result.projections[0]).toMatchObject({ position: before, events: before, conforming: true });
    liveRunner();
    await until(caughtUp);
  });

  it('reports no difference while writes go on and the live projection moves past the compared position', async () => {
    liveRunner();
    await until(caughtUp);
    let writing = true;
    const writes = (async () => {
      while (writing) {
        await append('placement', 3);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let movedPast = false;
    const slow = withApply(async (events, tx) => {
      if (!(await inSnapshot(tx))) {
        // Each batch of the lock-free replay lets the live projection get ahead of the log as it was,
        // so that the comparison's snapshot always has events left to apply.
        const ahead = (await store.headPosition()) + 1;
        await until(async () => (await checkpoint()) >= ahead);
      } else {
        // Inside the comparison's snapshot: the live projection applies more events before anything is compared.
        const [{ position: pinned }] = await tx.query(`SELECT position FROM projections.checkpoints WHERE name = $1`, [projection.name]);
        await until(async () => (await checkpoint()) > Number(pinned) + 10);
        movedPast = true;
      }
      await projection.apply(events, tx);
    });
    const result = await verify(slow);
    writing = false;
    await writes;

    expect(movedPast).toBe(true);
    expect(result.projections[0].position).toBeLessThan(await checkpoint());
    expect(result.projections[0].tables[0]).toMatchObject({ onlyInLive: 0, onlyInReplay: 0 });
    expect(result.conforming).toBe(true);
    await until(caughtUp);
    expect(await streamTypeCountsOf(dataSource)).toEqual(await streamTypeCountsInLog(dataSource));
  });

  it('compares again when a rebuild switches generations during the comparison', async () => {
    liveRunner();
    await until(caughtUp);
    const [{ generation: before }] = await dataSource.query(`SELECT generation FROM projections.checkpoints WHERE name = $1`, [projection.name]);
    let first = true;
    let rebuilt = false;
    const racing = withApply(async (events, tx) => {
      if (first) {
        first = false;
        await append('operation', 5);
        await until(caughtUp);
      }
      if (!rebuilt && (await inSnapshot(tx))) {
        // The whole rebuild, switch included, after the snapshot was taken and before the comparison.
        rebuilt = true;
        await rebuildProjection(projection, store, dataSource, db.url, options);
      }
      await projection.apply(events, tx);
    });
    const result = await verify(racing);

    expect(rebuilt).toBe(true);
    const [{ generation: after }] = await dataSource.query(`SELECT generation FROM projections.checkpoints WHERE name = $1`, [projection.name]);
    expect(after).toBe(before + 1);
    expect(result.conforming).toBe(true);
    expect(await scratchSchemas()).toEqual([]);
  });

  it('runs one verification at a time across processes, and the next one drops what a killed one left', async () => {
    liveRunner();
    await until(caughtUp);
    // What a verification killed mid-replay leaves.
    await dataSource.query(`CREATE SCHEMA stream_type_counts_verif_deadbeef`);
    await dataSource.query(`CREATE TABLE stream_type_counts_verif_deadbeef.stream_type_counts (LIKE ${TABLE} INCLUDING ALL)`);

    const elsewhere = new ProjectionLock(db.url, VERIFICATION_LOCK);
    expect(await elsewhere.tryAcquire()).toBe(true);
    try {
      await expect(verify()).rejects.toThrow(VerificationAlreadyRunningError);
    } finally {
      await elsewhere.release();
    }

    let started!: () => void;
    const startedP = new Promise<void>((resolve) => (started = resolve));
    const slow = withApply(async (events, tx) => {
      started();
      await new Promise((r) => setTimeout(r, 10));
      await projection.apply(events, tx);
    });
    const running = await beginVerification([slow], store, dataSource, db.url, { batchSize: options.batchSize });
    await startedP;
    expect(await scratchSchemas()).toHaveLength(1);
    expect(await scratchSchemas()).not.toContain('stream_type_counts_verif_deadbeef');
    await expect(verify()).rejects.toThrow('already running');
    expect((await running.done).conforming).toBe(true);
    expect(await scratchSchemas()).toEqual([]);
  });

  it('stops when cancelled, dropping its scratch schema', async () => {
    liveRunner();
    await until(caughtUp);
    const controller = new AbortController();
    const cancelling = withApply(async (events, tx) => {
      controller.abort();
      await projection.apply(events, tx);
    });
    await expect(verify(cancelling, { signal: controller.signal })).rejects.toThrow('verification cancelled');
    expect(await scratchSchemas()).toEqual([]);
    // The lock was released.
    expect((await verify()).conforming).toBe(true);
  });
});

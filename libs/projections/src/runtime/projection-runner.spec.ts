import { StreamTypeCountsProjection } from '../stream-type-counts/stream-type-counts.projection';
import { rebuildProjection } from './rebuild';
import { projectionStatuses } from './projection-status';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { appendTestEvents, logRecorder, openRuntimeTestBed, streamTypeCountsInLog, streamTypeCountsOf, until } from './runtime.testing';

describe('projection runtime (real PostgreSQL)', () => {
  let bed: Awaited<ReturnType<typeof openRuntimeTestBed>>;
  let db: typeof bed.db;
  let store: typeof bed.store;
  let dataSource: typeof bed.dataSource;
  const runners: ProjectionRunner[] = [];
  const options = { batchSize: 50, standbyRetryMs: 100, log: () => undefined };

  beforeAll(async () => {
    bed = await openRuntimeTestBed('runtime');
    ({ db, store, dataSource } = bed);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await bed.close();
  });

  const newRunner = () => {
    const runner = new ProjectionRunner(new StreamTypeCountsProjection(), store, dataSource, db.url, options);
    runners.push(runner);
    return runner;
  };
  const append = (type: string, count: number) => appendTestEvents(store, type, count);
  const readModel = () => streamTypeCountsOf(dataSource);
  const expected = () => streamTypeCountsInLog(dataSource);
  const caughtUp = async () => {
    const [status] = await projectionStatuses([new StreamTypeCountsProjection()], store, dataSource);
    return status.lag === 0;
  };

  it('follows the log live and advances its checkpoint with its tables', async () => {
    await append('marche', 120);
    const runner = newRunner();
    runner.start();
    await until(caughtUp);
    await append('salarie', 30);
    await until(caughtUp);
    expect(await readModel()).toEqual(await expected());
    expect(runner.active).toBe(true);
  });

  it('runs a projection in one instance only; a standby takes over when the active one stops', async () => {
    const first = newRunner();
    const second = newRunner();
    first.start();
    await until(async () => first.active);
    second.start();
    await append('entreprise', 200);
    await until(caughtUp);
    expect([first.active, second.active]).toEqual([true, false]);

    await first.stop();
    await until(async () => second.active);
    await append('operation', 80);
    await until(caughtUp);
    expect(await readModel()).toEqual(await expected());
    const [status] = await projectionStatuses([new StreamTypeCountsProjection()], store, dataSource);
    expect(status.running).toBe(true);
  });

  it('rebuilds beside the instance that runs it and switches: nothing is counted twice', async () => {
    const active = newRunner();
    active.start();
    await until(async () => active.active);
    await append('marche', 300);
    await until(caughtUp);
    const before = await readModel();

    const result = await rebuildProjection(new StreamTypeCountsProjection(), store, dataSource, db.url, options);
    expect(result.position).toBe(await store.headPosition());
    await until(caughtUp);
    expect(await readModel()).toEqual(before);
    expect(await readModel()).toEqual(await expected());
  });

  it('survives a failing batch: it releases its lock, retries, and applies every event once', async () => {
    await append('operation', 25);
    const projection = new StreamTypeCountsProjection();
    let failuresLeft = 2;
    const flaky = Object.assign(Object.create(projection), {
      name: projection.name,
      apply: async (events: Parameters<typeof projection.apply>[0], tx: Parameters<typeof projection.apply>[1]) => {
        // What the driver throws when PostgreSQL goes away in the middle of a batch.
        if (failuresLeft-- > 0) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
        return projection.apply(events, tx);
      },
    });
    const logs = logRecorder();
    const runner = new ProjectionRunner(flaky, store, dataSource, db.url, { ...options, standbyRetryMs: 20, log: logs.log });
    runners.push(runner);
    const started = Date.now();
    runner.start();
    await until(caughtUp);
    // The default transient backoff (250 ms, then 500 ms, jittered): well under the 30 s of before.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failuresLeft).toBeLessThan(0);
    expect(await readModel()).toEqual(await expected());
    // A lost connection is not the event's fault: warned about, never recorded as en_erreur.
    expect(logs.at('error')).toEqual([]);
    expect(logs.at('warn')[0]).toMatchObject({ message: expect.stringContaining('database unreachable'), projection: 'stream-type-counts', position: expect.any(Number) });
  });

  it('advances past the batches a projection has nothing to write for (concerne) without applying them; appends during its pause go in one batch', async () => {
    const applied: number[] = [];
    const choosy: Projection = {
      name: 'runtime-spec-choosy',
      schema: new StreamTypeCountsProjection().schema,
      entities: [],
      concerne: (e) => e.streamId.startsWith('calibration-'),
      apply: async (events) => void applied.push(events.length),
    };
    const runner = new ProjectionRunner(choosy, store, dataSource, db.url, { ...options, coalesceMs: 300 });
    runners.push(runner);
    const choosyCaughtUp = async () => (await projectionStatuses([choosy], store, dataSource))[0].lag === 0;
    runner.start();
    await until(choosyCaughtUp);
    applied.length = 0;
    await append('operation', 3);
    await until(choosyCaughtUp);
    expect(applied).toEqual([]);
    // After a quiet spell, one append applied at once; the next ones gathered during the pause that follows it.
    await new Promise((r) => setTimeout(r, 400));
    await append('calibration', 1);
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([append('calibration', 2), append('calibration', 2)]);
    await until(choosyCaughtUp);
    expect(applied).toEqual([1, 4]);
  });

  it('stops promptly when asked to stop while it is still starting', async () => {
    // Stop at various moments of the start-up (lock, checkpoint read, subscription).
    for (let delayMs = 0; delayMs <= 40; delayMs += 2) {
      const runner = new ProjectionRunner(new StreamTypeCountsProjection(), store, dataSource, db.url, options);
      runner.start();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const stopped = runner.stop().then(() => 'stopped');
      const timeout = new Promise((resolve) => setTimeout(() => resolve(`still running ${delayMs} ms after start`), 3_000));
      expect(await Promise.race([stopped, timeout])).toBe('stopped');
    }
  });

  it('rebuilds alone when nobody runs it, and the result equals the live read model', async () => {
    const live = await readModel();
    const result = await rebuildProjection(new StreamTypeCountsProjection(), store, dataSource, db.url, options);
    expect(result.position).toBe(await store.headPosition());
    expect(result.events).toBe(await store.headPosition());
    expect(await readModel()).toEqual(live);
  });
});



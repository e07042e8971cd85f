import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, RecordedEvent, Subscription } from '../event-store.port';
import { IdempotencyViolationError, WrongExpectedRevisionError } from '../errors';
import type { Upcaster } from '../upcasting';

export interface StoreFactoryOptions {
  upcasters?: Upcaster[];
}

/**
 * The behaviour every adapter must show. Run by each adapter's spec with a factory
 * that opens a store on a real server; stream ids are unique per test, so the suite
 * also runs against a shared, non-empty store.
 */
export function describeEventStoreContract(
  adapterName: string,
  openStore: (options?: StoreFactoryOptions) => Promise<EventStore>,
  /** Whether appendToStreams is one transaction (PostgreSQL) or one append after the other (EventStoreDB). */
  capabilities: { atomicMultiStreamAppend: boolean } = { atomicMultiStreamAppend: true },
): void {
  describe(`event store contract: ${adapterName}`, () => {
    let store: EventStore;
    const extraStores: EventStore[] = [];

    beforeAll(async () => {
      store = await openStore();
    });
    afterAll(async () => {
      await Promise.all(extraStores.map((s) => s.close()));
      await store.close();
    });

    const open = async (options?: StoreFactoryOptions) => {
      const s = await openStore(options);
      extraStores.push(s);
      return s;
    };

    describe('appends to several streams', () => {
      it('appends each stream at its own revision, in order, and answers each result', async () => {
        const [a, b] = [newStream(), newStream()];
        await store.appendToStream(b, [event('B0')], 'no_stream');
        const results = await store.appendToStreams([
          { streamId: a, events: [event('A0'), event('A1')], expectedRevision: 'no_stream' },
          { streamId: b, events: [event('B1')], expectedRevision: 0 },
        ]);
        expect(results.map((r) => r.nextRevision)).toEqual([1, 1]);
        const [lusA, lusB] = [await store.readStream(a), await store.readStream(b)];
        expect(lusA.map((e) => [e.type, e.revision])).toEqual([['A0', 0], ['A1', 1]]);
        expect(lusB.map((e) => [e.type, e.revision])).toEqual([['B0', 0], ['B1', 1]]);
        expect(results[0].position).toBe(lusA[1].position);
        expect(results[1].position).toBe(lusB[1].position);
        expect(lusA[1].position).toBeLessThan(lusB[1].position);
      });

      it('a retry of the same append answers the first results and writes nothing', async () => {
        const [a, b] = [newStream(), newStream()];
        const appends = [
          { streamId: a, events: [event('A0')], expectedRevision: 'no_stream' as const },
          { streamId: b, events: [event('B0'), event('B1')], expectedRevision: 'no_stream' as const },
        ];
        const first = await store.appendToStreams(appends);
        expect(await store.appendToStreams(appends)).toEqual(first);
        expect((await store.readStream(b)).length).toBe(2);
      });

      it('refuses the same stream twice and an empty part', async () => {
        const a = newStream();
        await expect(store.appendToStreams([])).rejects.toThrow();
        await expect(store.appendToStreams([{ streamId: a, events: [], expectedRevision: 'any' }])).rejects.toThrow();
        await expect(
          store.appendToStreams([
            { streamId: a, events: [event('X')], expectedRevision: 'any' },
            { streamId: a, events: [event('Y')], expectedRevision: 'any' },
          ]),
        ).rejects.toThrow();
        expect(await store.readStream(a)).toEqual([]);
      });

      (capabilities.atomicMultiStreamAppend ? it : it.skip)('all or nothing: a stale revision on one stream appends nothing to any', async () => {
        const [a, b] = [newStream(), newStream()];
        await store.appendToStream(b, [event('B0')], 'no_stream');
        await expect(
          store.appendToStreams([
            { streamId: a, events: [event('A0')], expectedRevision: 'no_stream' },
            { streamId: b, events: [event('B1')], expectedRevision: 'no_stream' },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(a)).toEqual([]);
        expect((await store.readStream(b)).map((e) => e.type)).toEqual(['B0']);
      });
    });

    describe('revisions and conflicts', () => {
      it('numbers a new stream from revision 0 and answers the last revision and position', async () => {
        const stream = newStream();
        const result = await store.appendToStream(stream, [event('A'), event('B'), event('C')], 'no_stream');
        expect(result.nextRevision).toBe(2);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        expect(read[2].position).toBe(result.position);
        expect(read[0].position).toBeLessThan(read[1].position);
        expect(read[1].position).toBeLessThan(read[2].position);
        expect(await store.streamRevision(stream)).toBe(2);
      });

      it('keeps data and metadata, and stamps recordedAt', async () => {
        const stream = newStream();
        const e = event('Registered', { nom: 'Ville de Dijon', heures: 151.67, tags: ['a'] });
        await store.appendToStream(stream, [e], 'no_stream');
        const [read] = await store.readStream(stream);
        expect(read.eventId).toBe(e.eventId);
        expect(read.streamId).toBe(stream);
        expect(read.data).toEqual({ nom: 'Ville de Dijon', heures: 151.67, tags: ['a'] });
        expect(read.metadata).toMatchObject(e.metadata);
        expect(Number.isNaN(Date.parse(read.metadata.recordedAt))).toBe(false);
      });

      it('refuses no_stream on an existing stream', async () => {
        const stream = newStream();
        await store.appendToStream(stream, [event('A')], 'no_stream');
        await expect(store.appendToStream(stream, [event('B')], 'no_stream')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
      });

      it('refuses stream_exists on a missing stream and accepts it on an existing one', async () => {
        const stream = newStream();
        await expect(store.appendToStream(stream, [event('A')], 'stream_exists')).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.appendToStream(stream, [event('A')], 'any');
        await expect(store.appendToStream(stream, [event('B')], 'stream_exists')).resolves.toMatchObject({
          nextRevision: 1,
        });
      });

      it('refuses an exact revision on a missing stream and reports no revision', async () => {
        const stream = newStream();
        const error = await store.appendToStream(stream, [event('A')], 0).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error.actual).toBeNull();
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('refuses a stale exact revision and reports the actual one', async () => {
        const stream = newStream();
        await store.appendToStream(stream, [event('A'), event('B')], 'no_stream');
        const error = await store.appendToStream(stream, [event('C')], 0).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error.actual).toBe(1);
        await expect(store.appendToStream(stream, [event('C')], 1)).resolves.toMatchObject({ nextRevision: 2 });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('lets exactly one of two racing writers win the same expected revision', async () => {
        const stream = newStream();
        await store.appendToStream(stream, [event('A')], 'no_stream');
        const results = await Promise.allSettled([
          store.appendToStream(stream, [event('B')], 0),
          store.appendToStream(stream, [event('C')], 0),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('keeps each of many concurrent appends its own outcome (grouped or not): one winner per expected revision, every "any" appended, retries answered', async () => {
        const [contested, open] = [newStream(), newStream()];
        const repeated = newStream();
        const batch = [event('R0'), event('R1')];
        const results = await Promise.allSettled([
          ...Array.from({ length: 12 }, (_, i) => store.appendToStream(contested, [event(`G${i}`)], 'no_stream')),
          ...Array.from({ length: 12 }, (_, i) => store.appendToStream(open, [event(`L${i}`)], 'any')),
          ...Array.from({ length: 6 }, () => store.appendToStream(repeated, batch, 'no_stream')),
        ]);
        const [c, o, r] = [results.slice(0, 12), results.slice(12, 24), results.slice(24)];
        expect(c.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
        for (const x of c.filter((y) => y.status === 'rejected')) expect((x as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(o.every((x) => x.status === 'fulfilled')).toBe(true);
        expect(new Set(o.map((x) => (x as PromiseFulfilledResult<{ nextRevision: number }>).value.nextRevision))).toEqual(new Set(Array.from({ length: 12 }, (_, i) => i)));
        // The same append sent six times at once: one write, six identical answers.
        const answers = r.map((x) => (x as PromiseFulfilledResult<unknown>).value);
        expect(r.every((x) => x.status === 'fulfilled')).toBe(true);
        expect(new Set(answers.map((x) => JSON.stringify(x))).size).toBe(1);
        expect((await store.readStream(contested)).length).toBe(1);
        expect((await store.readStream(open)).map((e) => e.revision)).toEqual(Array.from({ length: 12 }, (_, i) => i));
        expect((await store.readStream(repeated)).map((e) => e.type)).toEqual(['R0', 'R1']);
      });

      it('reads an unknown stream as empty', async () => {
        const stream = newStream();
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.streamRevision(stream)).toBeNull();
      });
    });

    describe('idempotent retry', () => {
      it('answers the same result and appends nothing when the same events are appended again', async () => {
        const stream = newStream();
        await store.appendToStream(stream, [event('A')], 'no_stream');
        const batch = [event('B'), event('C')];
        const first = await store.appendToStream(stream, batch, 0);
        const retry = await store.appendToStream(stream, batch, 0);
        expect(retry).toEqual(first);
        const retryAny = await store.appendToStream(stream, batch, 'any');
        expect(retryAny).toEqual(first);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('also holds for the creation of a stream', async () => {
        const stream = newStream();
        const batch = [event('A')];
        const first = await store.appendToStream(stream, batch, 'no_stream');
        await expect(store.appendToStream(stream, batch, 'no_stream')).resolves.toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('recognises a retry whatever the case of its uuids', async () => {
        const stream = newStream();
        const upper = { ...event('A'), eventId: randomUUID().toUpperCase() };
        const first = await store.appendToStream(stream, [upper], 'no_stream');
        await expect(store.appendToStream(stream, [upper], 'no_stream')).resolves.toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('refuses the same events appended at another revision', async () => {
        const stream = newStream();
        const batch = [event('A')];
        await store.appendToStream(stream, batch, 'no_stream');
        await store.appendToStream(stream, [event('B')], 0);
        await expect(store.appendToStream(stream, batch, 1)).rejects.toBeInstanceOf(Error);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses a batch that only partly repeats appended events', async () => {
        const stream = newStream();
        const a = event('A');
        await store.appendToStream(stream, [a], 'no_stream');
        const error = await store.appendToStream(stream, [a, event('B')], 'any').catch((e) => e);
        expect(error).toBeInstanceOf(Error);
        if (adapterName === 'postgresql') expect(error).toBeInstanceOf(IdempotencyViolationError);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('read directions', () => {
      let stream: string;
      beforeAll(async () => {
        stream = newStream();
        await store.appendToStream(stream, ['E0', 'E1', 'E2', 'E3', 'E4'].map((t) => event(t)), 'no_stream');
      });

      it('reads forwards from a revision', async () => {
        const read = await store.readStream(stream, { fromRevision: 2 });
        expect(read.map((e) => e.type)).toEqual(['E2', 'E3', 'E4']);
      });

      it('reads forwards with a maximum count', async () => {
        const read = await store.readStream(stream, { fromRevision: 1, maxCount: 2 });
        expect(read.map((e) => e.type)).toEqual(['E1', 'E2']);
      });

      it('reads backwards from the end', async () => {
        const read = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
        expect(read.map((e) => e.type)).toEqual(['E4', 'E3']);
      });

      it('reads backwards from a revision', async () => {
        const read = await store.readStream(stream, { direction: 'backwards', fromRevision: 2 });
        expect(read.map((e) => e.type)).toEqual(['E2', 'E1', 'E0']);
      });
    });

    describe('global order', () => {
      it('reads the global log in append order across streams, strictly after a position', async () => {
        const start = await store.headPosition();
        const s1 = newStream();
        const s2 = newStream();
        await store.appendToStream(s1, [event('S1-0')], 'no_stream');
        await store.appendToStream(s2, [event('S2-0'), event('S2-1')], 'no_stream');
        await store.appendToStream(s1, [event('S1-1')], 0);
        const mine = (await readAllFrom(store, start)).filter((e) => e.streamId === s1 || e.streamId === s2);
        expect(mine.map((e) => e.type)).toEqual(['S1-0', 'S2-0', 'S2-1', 'S1-1']);
        const after = await store.readAll({ after: mine[1].position, maxCount: 10 });
        expect(after[0].position).toBeGreaterThan(mine[1].position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(mine[3].position);
      });
    });

    describe('subscriptions', () => {
      it('sees every event of many concurrent writers exactly once, in global order', async () => {
        const start = await store.headPosition();
        const writers = 8;
        const appendsPerWriter = 40;
        const expectedIds = new Set<string>();
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: start, batchSize: 37 }, async (batch) => {
          seen.push(...batch);
        });
        try {
          await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              const stream = newStream();
              let expected: 'no_stream' | number = 'no_stream';
              for (let i = 0; i < appendsPerWriter; i++) {
                const batch = Array.from({ length: 1 + ((i + w) % 3) }, () => event(`W${w}`));
                batch.forEach((e) => expectedIds.add(e.eventId));
                const result = await store.appendToStream(stream, batch, expected);
                expected = result.nextRevision;
              }
            }),
          );
          await waitUntil(() => seen.filter((e) => expectedIds.has(e.eventId)).length >= expectedIds.size);
        } finally {
          await subscription.stop();
        }
        const mine = seen.filter((e) => expectedIds.has(e.eventId));
        expect(new Set(mine.map((e) => e.eventId)).size).toBe(mine.length);
        expect(mine.length).toBe(expectedIds.size);
        const positions = seen.map((e) => e.position);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(new Set(positions).size).toBe(positions.length);
      });

      it('goes live: an event appended after catch-up is delivered', async () => {
        const start = await store.headPosition();
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: start }, async (batch) => {
          seen.push(...batch);
        });
        try {
          await sleep(200);
          const e = event('Live');
          await store.appendToStream(newStream(), [e], 'no_stream');
          await waitUntil(() => seen.some((s) => s.eventId === e.eventId), 3_000);
        } finally {
          await subscription.stop();
        }
      });

      it('resumes from a stored checkpoint after a restart without loss or repeat', async () => {
        const start = await store.headPosition();
        const stream = newStream();
        const firstHalf = Array.from({ length: 10 }, (_, i) => event(`R${i}`));
        await store.appendToStream(stream, firstHalf, 'no_stream');

        const beforeRestart: RecordedEvent[] = [];
        let checkpoint = start;
        const first = await open();
        const s1: Subscription = first.subscribeToAll({ after: start, batchSize: 4 }, async (batch) => {
          beforeRestart.push(...batch);
          checkpoint = batch[batch.length - 1].position;
        });
        await waitUntil(() => beforeRestart.filter((e) => e.streamId === stream).length >= 10);
        await s1.stop();
        await first.close();

        const secondHalf = Array.from({ length: 10 }, (_, i) => event(`R${10 + i}`));
        await store.appendToStream(stream, secondHalf, 9);

        const afterRestart: RecordedEvent[] = [];
        const second = await open();
        const s2 = second.subscribeToAll({ after: checkpoint, batchSize: 4 }, async (batch) => {
          afterRestart.push(...batch);
        });
        await waitUntil(() => afterRestart.filter((e) => e.streamId === stream).length >= 10);
        await s2.stop();

        const all = [...beforeRestart, ...afterRestart].filter((e) => e.streamId === stream);
        expect(all.map((e) => e.type)).toEqual([...firstHalf, ...secondHalf].map((e) => e.type));
      });

      it('stops a subscription whose handler fails, and reports the failure', async () => {
        const start = await store.headPosition();
        await store.appendToStream(newStream(), [event('Boom')], 'no_stream');
        const subscription = store.subscribeToAll({ after: start }, async () => {
          throw new Error('projection failed');
        });
        await expect(subscription.done).rejects.toThrow('projection failed');
        await subscription.stop();
      });
    });

    describe('upcasting', () => {
      it('reads old versions of an event in the current shape, the stored event unchanged', async () => {
        const upcasting = await open({
          upcasters: [
            {
              eventType: 'HeuresDeclarees',
              fromVersion: 1,
              upcast: (data: { heures: number }) => ({ data: { ...data, heuresCentiemes: data.heures * 100 } }),
            },
            {
              eventType: 'HeuresDeclarees',
              fromVersion: 2,
              upcast: ({ heures, ...rest }: { heures: number }) => ({ data: rest }),
            },
          ],
        });
        const stream = newStream();
        await store.appendToStream(
          stream,
          [event('HeuresDeclarees', { heures: 7 }, 1), event('HeuresDeclarees', { heuresCentiemes: 300 }, 3)],
          'no_stream',
        );
        const read = await upcasting.readStream(stream);
        expect(read.map((e) => e.data)).toEqual([{ heuresCentiemes: 700 }, { heuresCentiemes: 300 }]);
        expect(read.map((e) => e.metadata.schemaVersion)).toEqual([3, 3]);
        const raw = await store.readStream(stream);
        expect(raw[0].data).toEqual({ heures: 7 });
      });
    });
  });
}

function newStream(): string {
  return `contrat-${randomUUID()}`;
}

function event(type: string, data: unknown = { n: Math.random() }, schemaVersion = 1): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: {
      schemaVersion,
      occurredAt: new Date().toISOString(),
      userId: 'contract-suite',
      correlationId: randomUUID(),
      causationId: null,
    },
  };
}

async function readAllFrom(store: EventStore, after: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 500 });
    if (batch.length === 0) return out;
    out.push(...batch);
    after = batch[batch.length - 1].position;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

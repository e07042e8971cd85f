import { WrongExpectedRevisionError, type AppendResult, type EventStore, type EventToAppend, type StreamAppend } from '@suivi/event-store';
import type { ClePersonnelle, PersonalKeys } from '@suivi/personal-data';
import { JournalEnMemoire, garderLesCles } from './journal-en-memoire';

/** A store that only counts positions and answers appends when told to (what the journal delegates to). */
function storeFactice() {
  let head = 0;
  const enAttente: Array<() => void> = [];
  const recus: StreamAppend[][] = [];
  const store = {
    readStream: () => Promise.reject(new Error('the journal must not read the store')),
    streamRevision: () => Promise.reject(new Error('the journal must not read the store')),
    appendToStream: () => Promise.reject(new Error('the journal goes through appendToStreams')),
    appendToStreams: (appends: StreamAppend[]) =>
      new Promise<AppendResult[]>((resolve, reject) => {
        recus.push(appends);
        enAttente.push(() => {
          if (appends.some((a) => a.streamId === 'refuse')) return reject(new WrongExpectedRevisionError('refuse', 'no_stream', 0));
          resolve(
            appends.map((a) => {
              head += a.events.length;
              return { nextRevision: (typeof a.expectedRevision === 'number' ? a.expectedRevision : -1) + a.events.length, position: head };
            }),
          );
        });
      }),
  } as unknown as EventStore;
  return { store, recus, acquitter: () => enAttente.splice(0).forEach((f) => f()) };
}

const evenement = (n: number, data: unknown = { n }): EventToAppend => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'Fait',
  data,
  metadata: { schemaVersion: 1, occurredAt: '2026-11-24T00:00:00.000Z', userId: 'u', correlationId: 'c', causationId: null },
});

describe('JournalEnMemoire (seed:demo)', () => {
  it('shows a stream as the store acknowledged it, and refuses a stale expected revision like the store', async () => {
    const { store, recus, acquitter } = storeFactice();
    const { retirer } = JournalEnMemoire.installer(store);

    const premier = store.appendToStream('s', [evenement(1, { a: 1, absent: undefined }), evenement(2)], 'no_stream');
    // Not acknowledged yet: not read, but a second writer that read the empty stream is refused.
    expect(await store.readStream('s')).toEqual([]);
    await expect(store.appendToStream('s', [evenement(3)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    acquitter();
    expect(await premier).toEqual({ nextRevision: 1, position: 2 });

    const lus = await store.readStream('s');
    expect(lus.map((e) => [e.revision, e.position])).toEqual([[0, 1], [1, 2]]);
    // What jsonb would give back: the undefined field is gone.
    expect(lus[0].data).toEqual({ a: 1 });
    expect(Object.keys(lus[0].data as object)).toEqual(['a']);
    expect(await store.streamRevision('s')).toBe(1);
    expect((await store.readStream('s', { direction: 'backwards', maxCount: 1 })).map((e) => e.revision)).toEqual([1]);
    expect((await store.readStream('s', { fromRevision: 1 })).map((e) => e.revision)).toEqual([1]);

    await expect(store.appendToStream('s', [evenement(4)], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const suivant = store.appendToStream('s', [evenement(5)], 1);
    acquitter();
    expect(await suivant).toEqual({ nextRevision: 2, position: 3 });
    // The store got every append with the expected revision the writer decided on.
    expect(recus.map((a) => a.map((x) => [x.streamId, x.expectedRevision]))).toEqual([[['s', 'no_stream']], [['s', 1]]]);

    retirer();
    await expect(store.readStream('s')).rejects.toThrow('must not read the store');
  });

  it("frees a refused append's revision: the stream reads as before and can be written again", async () => {
    const { store, acquitter } = storeFactice();
    JournalEnMemoire.installer(store);
    const refuse = store.appendToStream('refuse', [evenement(1)], 'no_stream');
    acquitter();
    await expect(refuse).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.streamRevision('refuse')).toBeNull();
    const encore = store.appendToStreams([{ streamId: 'autre', events: [evenement(2)], expectedRevision: 'no_stream' }]);
    acquitter();
    await expect(encore).resolves.toHaveLength(1);
  });

  it('sends the appends that arrive during a statement together in the next one, a stream at most once in each', async () => {
    const { store, recus, acquitter } = storeFactice();
    JournalEnMemoire.installer(store);
    const premier = store.appendToStream('a', [evenement(1)], 'no_stream');
    const suivants = Promise.all([
      store.appendToStream('b', [evenement(2)], 'no_stream'),
      store.appendToStreams([{ streamId: 'c', events: [evenement(3), evenement(4)], expectedRevision: 'no_stream' }]),
      store.appendToStream('b', [evenement(5)], 'any'),
    ] as const);
    acquitter();
    await premier;
    await new Promise((resolve) => setImmediate(resolve));
    acquitter();
    await new Promise((resolve) => setImmediate(resolve));
    acquitter();
    const [b, [c], b2] = await suivants;
    expect(recus.map((envoi) => envoi.map((a) => a.streamId))).toEqual([['a'], ['b', 'c'], ['b']]);
    // Each command gets its own stream's answer from the shared statement.
    expect([b, c, b2].map((r) => r.position)).toEqual([2, 4, 5]);
    expect(c.nextRevision).toBe(1);
  });

  it('reads or makes each key once', async () => {
    const cle: ClePersonnelle = { etat: 'active', cle: Buffer.alloc(32) };
    const appels: string[] = [];
    const keys = {
      keyFor: async (id: string) => (appels.push(`keyFor ${id}`), cle),
      keysOf: async (ids: string[]) => (appels.push(`keysOf ${ids.join(',')}`), new Map(ids.map((id) => [id, id === 'x' ? { etat: 'absente' as const } : cle]))),
    } as unknown as PersonalKeys;
    const rendre = garderLesCles(keys);
    expect(await keys.keyFor('a')).toBe(cle);
    expect(await keys.keyFor('a')).toBe(cle);
    const lues = await keys.keysOf(['a', 'b', 'x']);
    expect([...lues.entries()].map(([id, c]) => [id, c.etat])).toEqual([['a', 'active'], ['b', 'active'], ['x', 'absente']]);
    await keys.keysOf(['b', 'x']);
    // An absent key is asked again: it may be made meanwhile.
    expect(appels).toEqual(['keyFor a', 'keysOf b,x', 'keysOf x']);
    rendre();
  });
});

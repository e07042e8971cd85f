import { rattachementDecider, type Decider, type DomainEvent } from '@suivi/domain';
import { WrongExpectedRevisionError, type AppendResult, type EventStore, type RecordedEvent, type StreamAppend } from '@suivi/event-store';
import type { CommandContext } from './command-context';
import { CommandExecutor } from './command-executor';
import { nouveauRattachement } from './placement-streams';

/** The store's rules that matter here: expected revisions, multi-stream appends all or nothing; calls counted. */
function storeEnMemoire() {
  const flux = new Map<string, RecordedEvent[]>();
  const appels: string[] = [];
  let head = 0;
  const revision = (id: string) => (flux.get(id)?.length ?? 0) - 1;
  const appendToStreams = async (appends: StreamAppend[]): Promise<AppendResult[]> => {
    appels.push(`append ${appends.map((a) => a.streamId).join('+')}`);
    for (const a of appends) {
      const r = revision(a.streamId);
      const ok = a.expectedRevision === 'any' || (a.expectedRevision === 'no_stream' ? r === -1 : a.expectedRevision === r);
      if (!ok) throw new WrongExpectedRevisionError(a.streamId, a.expectedRevision, r === -1 ? null : r);
    }
    return appends.map((a) => {
      const events = flux.get(a.streamId) ?? [];
      for (const e of a.events) {
        events.push({ ...e, streamId: a.streamId, revision: events.length, position: ++head, metadata: { ...e.metadata, recordedAt: new Date().toISOString() } });
      }
      flux.set(a.streamId, events);
      return { nextRevision: events.length - 1, position: head };
    });
  };
  const store = {
    readStream: async (id: string) => (appels.push(`read ${id}`), [...(flux.get(id) ?? [])]),
    appendToStreams,
    appendToStream: async (streamId: string, events: StreamAppend['events'], expectedRevision: StreamAppend['expectedRevision']) =>
      (await appendToStreams([{ streamId, events, expectedRevision }]))[0],
  } as unknown as EventStore;
  return { store, flux, appels };
}

type Compte = DomainEvent<'Compte', { n: number }>;
const compteur: Decider<{ n: number }, Compte, number> = {
  initialState: 0,
  evolve: (state) => state + 1,
  decide: (command, state) => (command.n === state ? [{ type: 'Compte', data: { n: command.n } }] : []),
};

const contexte: CommandContext = { userId: 'u', correlationId: 'c', causationId: null, now: new Date('2026-11-24T00:00:00Z') };
const locateur = nouveauRattachement('declaration-d1', { type: 'DeclarationRattachee', data: { declarationId: 'd1', placementId: 'p1', salarieId: 's1' } });

describe('CommandExecutor.alongsideNew', () => {
  it('appends a new locator in the same call as the events, without reading it or reserving', async () => {
    const { store, flux, appels } = storeEnMemoire();
    const reserve = jest.fn();
    const result = await new CommandExecutor(store).execute({
      streamId: 'compte-1',
      decider: compteur,
      context: contexte,
      command: () => ({ n: 0 }),
      alongsideNew: () => [locateur],
      reserve,
    });
    expect(appels).toEqual(['read compte-1', 'append declaration-d1+compte-1']);
    expect(reserve).not.toHaveBeenCalled();
    expect(result.revision).toBe(0);
    expect(flux.get('declaration-d1')?.map((e) => e.type)).toEqual(['DeclarationRattachee']);
    // Signed by the request, as the locators `rattacher` writes.
    expect(flux.get('declaration-d1')?.[0].metadata).toMatchObject({ userId: 'u', correlationId: 'c' });
  });

  it('falls back to reserve, at once, when the locator exists already; nothing is half written', async () => {
    const { store, flux, appels } = storeEnMemoire();
    const executor = new CommandExecutor(store);
    await executor.executeOnBelievedNewStream({ streamId: 'declaration-d1', decider: rattachementDecider, context: contexte, command: () => locateur.command as never });
    appels.length = 0;
    const reserve = jest.fn(async () => null);
    const result = await executor.execute({
      streamId: 'compte-1',
      decider: compteur,
      context: contexte,
      command: () => ({ n: 0 }),
      alongsideNew: () => [locateur],
      reserve,
    });
    expect(appels).toEqual(['read compte-1', 'append declaration-d1+compte-1', 'read compte-1', 'append compte-1']);
    expect(reserve).toHaveBeenCalledTimes(1);
    expect(result.revision).toBe(0);
    expect(flux.get('declaration-d1')).toHaveLength(1);
    expect(flux.get('compte-1')).toHaveLength(1);
  });

  it('decides again on a conflict of its own stream, the locator with it', async () => {
    const { store, flux } = storeEnMemoire();
    const executor = new CommandExecutor(store);
    let premiere = true;
    const result = await executor.execute({
      streamId: 'compte-1',
      decider: compteur,
      context: contexte,
      command: async (state) => {
        // Another writer lands between this read and the append, once.
        if (premiere) {
          premiere = false;
          await store.appendToStream('compte-1', [{ eventId: 'e0', type: 'Compte', data: { n: 0 }, metadata: { schemaVersion: 1, occurredAt: '', userId: 'x', correlationId: 'x', causationId: null } }], 'no_stream');
        }
        return { n: state };
      },
      alongsideNew: () => [locateur],
    });
    expect(result.revision).toBe(1);
    expect(flux.get('compte-1')).toHaveLength(2);
    expect(flux.get('declaration-d1')).toHaveLength(1);
  });
});

describe('CommandExecutor.executeOnBelievedNewStream', () => {
  it('appends without reading a new stream, and goes the usual way when it exists', async () => {
    const { store, flux, appels } = storeEnMemoire();
    const executor = new CommandExecutor(store);
    const execution = { streamId: 'declaration-d1', decider: rattachementDecider, context: contexte, command: () => locateur.command as never };
    expect((await executor.executeOnBelievedNewStream(execution)).events).toHaveLength(1);
    expect(appels).toEqual(['append declaration-d1']);
    // The same locator again: refused by the store, read, nothing to do.
    expect((await executor.executeOnBelievedNewStream(execution)).events).toHaveLength(0);
    expect(appels).toEqual(['append declaration-d1', 'append declaration-d1', 'read declaration-d1']);
    expect(flux.get('declaration-d1')).toHaveLength(1);
  });
});

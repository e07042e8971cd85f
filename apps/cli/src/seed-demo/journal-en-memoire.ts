import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
} from '@suivi/event-store';
import type { ClePersonnelle, PersonalKeys } from '@suivi/personal-data';

/** Upper bound of one statement: big enough to amortise it, small enough to keep its transaction short. */
const EVENEMENTS_PAR_ENVOI = 2_000;

/**
 * seed:demo writes an empty log and is its only writer (checked before it starts), so every stream
 * it reads is one it wrote: it keeps them in memory and the handlers read them without a round trip.
 * Appends still go to the store, each with the expected revision the handler decided on: checked
 * here first (the same refusal as the store's), then by PostgreSQL, where the appends of the
 * commands in flight go together as one multi-stream append (one statement, one commit).
 *
 * A stream is seen as the store would show it: only what the store acknowledged (data as JSON gives
 * it back, positions and revisions from its answer). Installed on the app's own store instance, so
 * the real handlers, deciders and executor run unchanged.
 */
export class JournalEnMemoire {
  private readonly flux = new Map<string, RecordedEvent[]>();
  /** Revision of a stream once its appends in flight land: a second writer must have read it. */
  private readonly enVol = new Map<string, number>();
  /** Appends waiting for the statement in flight to end. */
  private readonly file: Array<{ appends: StreamAppend[]; resolve: (results: AppendResult[]) => void; reject: (error: unknown) => void }> = [];
  private envoiEnCours = false;
  lectures = 0;
  ajouts = 0;
  envois = 0;

  /** `ajouterAuStore`: the store's own appendToStreams. */
  private constructor(private readonly ajouterAuStore: (appends: StreamAppend[]) => Promise<AppendResult[]>) {}

  /** Replaces the store's stream reads and appends by this journal's; answers how to put them back. */
  static installer(store: EventStore): { journal: JournalEnMemoire; retirer: () => void } {
    const originaux = {
      readStream: store.readStream,
      streamRevision: store.streamRevision,
      appendToStream: store.appendToStream,
      appendToStreams: store.appendToStreams,
    };
    const journal = new JournalEnMemoire(originaux.appendToStreams.bind(store));
    store.readStream = (streamId, options) => journal.readStream(streamId, options);
    store.streamRevision = (streamId) => journal.streamRevision(streamId);
    store.appendToStream = (streamId, events, expected) => journal.appendToStream(streamId, events, expected);
    store.appendToStreams = (appends) => journal.appendToStreams(appends);
    return { journal, retirer: () => Object.assign(store, originaux) };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.lectures++;
    const tous = this.flux.get(streamId) ?? [];
    if (options.direction === 'backwards') {
      const depuis = options.fromRevision ?? Number.MAX_SAFE_INTEGER;
      return tous.filter((e) => e.revision <= depuis).reverse().slice(0, options.maxCount);
    }
    const depuis = options.fromRevision ?? 0;
    return tous.filter((e) => e.revision >= depuis).slice(0, options.maxCount);
  }

  async streamRevision(streamId: string): Promise<number | null> {
    return this.revisionAcquise(streamId);
  }

  async appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision }]);
    return result;
  }

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    // All checked before any is reserved: a refused multi-stream append takes nothing.
    for (const { streamId, expectedRevision } of appends) this.verifier(streamId, expectedRevision);
    for (const { streamId, events } of appends) this.enVol.set(streamId, this.revisionPrevue(streamId) + events.length);
    try {
      const results = await this.envoyer(appends);
      const recordedAt = new Date().toISOString();
      appends.forEach(({ streamId, events }, i) => {
        const { nextRevision, position } = results[i];
        const flux = this.flux.get(streamId) ?? [];
        events.forEach((e, k) => {
          const rang = events.length - 1 - k;
          flux.push({
            eventId: e.eventId,
            type: e.type,
            streamId,
            revision: nextRevision - rang,
            position: position - rang,
            // What jsonb gives back: no undefined fields, no class instances.
            data: JSON.parse(JSON.stringify(e.data ?? null)) as unknown,
            metadata: { ...(JSON.parse(JSON.stringify(e.metadata)) as EventToAppend['metadata']), recordedAt },
          });
        });
        this.flux.set(streamId, flux);
      });
      this.ajouts += appends.length;
      for (const { streamId } of appends) if (this.enVol.get(streamId) === this.revisionAcquise(streamId)) this.enVol.delete(streamId);
      return results;
    } catch (error) {
      // Refused (or unknown) by the store: the seed reports it and stops; the streams read as the store acknowledged them.
      for (const { streamId } of appends) this.enVol.delete(streamId);
      throw error;
    }
  }

  /** Queues an append for the next statement; answers its streams' results. */
  private envoyer(appends: StreamAppend[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.file.push({ appends, resolve, reject });
      void this.vider();
    });
  }

  /**
   * What arrived while the previous statement ran goes to the store as one multi-stream append:
   * one statement and one transaction for hundreds of streams, each with its expected revision
   * (the store's group commit, one check per append, is what limited the seed). A stream named
   * twice waits for the next statement. A refusal refuses the whole statement: every command in
   * it is answered the store's error, and a conflict is decided again by its executor.
   */
  private async vider(): Promise<void> {
    if (this.envoiEnCours) return;
    this.envoiEnCours = true;
    try {
      while (this.file.length > 0) {
        const lot: typeof this.file = [];
        const reste: typeof this.file = [];
        const flux = new Set<string>();
        let evenements = 0;
        for (const envoi of this.file) {
          if (evenements < EVENEMENTS_PAR_ENVOI && envoi.appends.every((a) => !flux.has(a.streamId))) {
            lot.push(envoi);
            for (const a of envoi.appends) {
              flux.add(a.streamId);
              evenements += a.events.length;
            }
          } else {
            reste.push(envoi);
          }
        }
        this.file.splice(0, this.file.length, ...reste);
        try {
          this.envois++;
          const results = await this.ajouterAuStore(lot.flatMap((envoi) => envoi.appends));
          let k = 0;
          for (const envoi of lot) {
            envoi.resolve(results.slice(k, k + envoi.appends.length));
            k += envoi.appends.length;
          }
        } catch (error) {
          for (const envoi of lot) envoi.reject(error);
        }
      }
    } finally {
      this.envoiEnCours = false;
    }
  }

  /** The same refusal as the store's: the expected revision is the one of the stream, appends in flight included. */
  private verifier(streamId: string, expected: ExpectedRevision): void {
    const actuelle = this.revisionPrevue(streamId);
    const existe = actuelle >= 0;
    const ok = expected === 'any' || (expected === 'no_stream' ? !existe : expected === 'stream_exists' ? existe : expected === actuelle);
    if (!ok) throw new WrongExpectedRevisionError(streamId, expected, existe ? actuelle : null);
  }

  private revisionPrevue(streamId: string): number {
    return this.enVol.get(streamId) ?? this.revisionAcquise(streamId) ?? -1;
  }

  private revisionAcquise(streamId: string): number | null {
    const flux = this.flux.get(streamId);
    return flux && flux.length > 0 ? flux[flux.length - 1].revision : null;
  }
}

/**
 * The salariés' keys, kept once read or made: the seed erases no one, so a key never changes while
 * it runs. Each is still made by PersonalKeys (wrapped, stored in donnees_personnelles.cles).
 */
export function garderLesCles(keys: PersonalKeys): () => void {
  const connues = new Map<string, ClePersonnelle>();
  const originaux = { keyFor: keys.keyFor, keysOf: keys.keysOf };
  const keyFor = originaux.keyFor.bind(keys);
  const keysOf = originaux.keysOf.bind(keys);
  keys.keyFor = async (salarieId) => {
    const connue = connues.get(salarieId);
    if (connue) return connue;
    const cle = await keyFor(salarieId);
    if (cle.etat === 'active') connues.set(salarieId, cle);
    return cle;
  };
  keys.keysOf = async (salarieIds) => {
    const manquantes = salarieIds.filter((id) => !connues.has(id));
    const lues = manquantes.length > 0 ? await keysOf(manquantes) : new Map<string, ClePersonnelle>();
    for (const [id, cle] of lues) if (cle.etat === 'active') connues.set(id, cle);
    return new Map(salarieIds.map((id) => [id, connues.get(id) ?? lues.get(id) ?? { etat: 'absente' as const }]));
  };
  return () => Object.assign(keys, originaux);
}

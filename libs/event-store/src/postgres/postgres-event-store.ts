import { Client, Pool, types, type CustomTypesConfig } from 'pg';
import {
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
  streamTypeOf,
} from '../event-store.port';
import { IdempotencyViolationError, InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import { answerOfRetry, type AlreadyStored } from '../idempotent-retry';
import { UpcasterChain, type Upcaster } from '../upcasting';
import { AppendNotifier, APPEND_CHANNEL } from './append-notifier';
import { RecordedAtText, TIMESTAMPTZ_OID } from './recorded-at-text';

/**
 * Key of the transaction-level advisory lock taken by every append.
 *
 * Why a global lock: with a sequence, a transaction can take position N, commit after
 * another one took N+1 and committed, and a catch-up reader that already moved past N+1
 * would skip N forever (the "gap" problem). Holding one advisory lock from the position
 * assignment to the commit makes positions commit in order, so `position > checkpoint`
 * never misses an event and every consumer (projection checkpoints, read-your-writes)
 * compares a single number. The price is that appends are serialised; each append is one
 * short transaction, and `npm run bench` measures the resulting throughput.
 * (The alternative, comparing transaction ids with pg_snapshot_xmin, keeps writers
 * parallel but needs a two-part checkpoint everywhere.) The same lock makes the head's hash
 * the one the next append chains to (event-chain.migration.ts).
 */
const APPEND_LOCK_KEY = 7_340_211_001;

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  upcasters?: Upcaster[];
  /** Safety net for a lost notification (e.g. a dropped LISTEN connection). */
  idleWakeUpMs?: number;
}

/**
 * The columns of an event, read as arrays (`rowMode: 'array'`) in this order: pg then builds no object per row,
 * which a replay pays for every event.
 */
const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';
type EventRow = [position: string, streamId: string, revision: string, eventId: string, type: string, data: unknown, metadata: unknown, recordedAt: string];

/**
 * pg's own parsers, except that `recorded_at` stays the server's text: `RecordedAtText` turns it into the ISO
 * string without a Date (pg would build one per event only for `toISOString`), once per run of equal texts
 * (the events of one append share their timestamp: one transaction, one now()).
 */
const EVENT_ROW_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? (value: string) => value : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/** Appends waiting for the one in flight (group commit): at most this many go in one statement. */
const GROUP_MAX = 64;

interface PendingAppend {
  appends: StreamAppend[];
  /** Its event ids in lower case: two appends sharing one never go in the same group. */
  ids: string[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

/** A group of appends as `event_store.append_many` takes it: flat stream parts and rows, each with its append's number. */
function toParameters(group: StreamAppend[][]) {
  const parts = { appends: [] as number[], streams: [] as string[], expected: [] as string[], counts: [] as number[] };
  const rows = {
    appends: [] as number[], streams: [] as string[], streamTypes: [] as string[], ranks: [] as number[],
    eventIds: [] as string[], types: [] as string[], data: [] as string[], metadata: [] as string[],
  };
  group.forEach((appends, a) => {
    for (const { streamId, events, expectedRevision } of appends) {
      parts.appends.push(a + 1);
      parts.streams.push(streamId);
      parts.expected.push(String(expectedRevision));
      parts.counts.push(events.length);
      const streamType = streamTypeOf(streamId);
      events.forEach((e, i) => {
        rows.appends.push(a + 1);
        rows.streams.push(streamId);
        rows.streamTypes.push(streamType);
        rows.ranks.push(i + 1);
        rows.eventIds.push(e.eventId);
        rows.types.push(e.type);
        rows.data.push(JSON.stringify(e.data ?? null));
        rows.metadata.push(JSON.stringify(e.metadata));
      });
    }
  });
  return [
    parts.appends, parts.streams, parts.expected, parts.counts,
    rows.appends, rows.streams, rows.streamTypes, rows.ranks, rows.eventIds, rows.types, rows.data, rows.metadata,
  ];
}

/** The insert of a group failed on the ids' unique index: some append's ids are stored already (append-many.migration.ts). */
const isStoredIdViolation = (error: unknown) => {
  const e = error as { code?: string; constraint?: string } | null | undefined;
  return e?.code === '23505' && e.constraint === 'events_event_id_key';
};

/** Each stream's result from its append's answer, or the refusal it means. */
function interpret(appends: StreamAppend[], answer: AppendAnswer): AppendResult[] {
  const current = (streamId: string) => (answer.revisions[streamId] === null || answer.revisions[streamId] === undefined ? null : Number(answer.revisions[streamId]));
  if (answer.found) {
    // Some ids are stored already: the same append retried (its first answer), or a refusal.
    const found = answer.found.map((f) => ({ ...f, revision: Number(f.revision), position: Number(f.position) }));
    const retried = appends.map(({ streamId, events, expectedRevision }) => {
      const ids = new Set(events.map((e) => e.eventId.toLowerCase()));
      return answerOfRetry(streamId, events, expectedRevision, current(streamId), found.filter((f) => ids.has(f.eventId.toLowerCase())));
    });
    if (retried.every((r) => r !== null)) return retried as AppendResult[];
    // Some streams hold their part and others not: not a retry of this same append.
    throw new IdempotencyViolationError(appends[0].streamId, found.map((f) => f.eventId));
  }
  if (answer.conflict !== undefined) {
    const stale = appends.find((a) => a.streamId === answer.conflict)!;
    throw new WrongExpectedRevisionError(stale.streamId, stale.expectedRevision, current(stale.streamId));
  }
  let position = Number(answer.head);
  return appends.map(({ streamId, events }) => {
    position += events.length;
    return { nextRevision: (current(streamId) ?? -1) + events.length, position };
  });
}

/** What `event_store.append_many` answers for one append (append-many.migration.ts). */
interface AppendAnswer {
  revisions: Record<string, number | null>;
  head?: number;
  found?: AlreadyStored[];
  conflict?: string;
}

export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly upcasters: UpcasterChain;
  private readonly notifier: AppendNotifier;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private readonly pending: PendingAppend[] = [];
  private flushing = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: 'suivi-clauses-event-store',
    });
    this.pool.on('error', () => undefined); // idle client errors surface on the next query
    this.upcasters = new UpcasterChain(options.upcasters);
    this.notifier = new AppendNotifier(() => new Client({ connectionString: options.connectionString }));
  }

  async appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision }]);
    return result;
  }

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) throw new InvalidAppendError('nothing to append');
    for (const { streamId, events } of appends) {
      if (!streamId) throw new InvalidAppendError('streamId is required');
      if (events.length === 0) throw new InvalidAppendError('nothing to append');
    }
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length) throw new InvalidAppendError('the same stream appears twice in one append');
    const all = appends.flatMap((a) => a.events);
    if (new Set(all.map((e) => e.eventId.toLowerCase())).size !== all.length) {
      throw new InvalidAppendError('the same eventId appears twice in one append');
    }
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.pending.push({ appends, ids: all.map((e) => e.eventId.toLowerCase()), resolve, reject });
      void this.flush();
    });
  }

  /**
   * Group commit. One statement at a time goes to the database; the appends that arrive meanwhile
   * wait and then go together, in one statement and one commit (`event_store.append_many`), each
   * with its own revision checks and outcome. A lone append goes at once: no added latency.
   * Why not transaction-id ordering (xid8 and pg_snapshot_xmin), which lets writers commit in
   * parallel: every reader would need a two-part checkpoint; grouping keeps one position per
   * event, gap-free, and shares the commit's flush among the writers of this process.
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const group = this.nextGroup();
        try {
          const answers = await this.appendMany(group.map((g) => g.appends));
          group.forEach((g, i) => {
            try {
              g.resolve(interpret(g.appends, answers[i]));
            } catch (error) {
              g.reject(error);
            }
          });
        } catch (error) {
          for (const g of group) g.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The waiting appends, in order, up to GROUP_MAX and up to the first that shares an event id with those taken (a retry sent twice at once). */
  private nextGroup(): PendingAppend[] {
    const ids = new Set<string>();
    let n = 0;
    while (n < this.pending.length && n < GROUP_MAX && !this.pending[n].ids.some((id) => ids.has(id))) {
      for (const id of this.pending[n].ids) ids.add(id);
      n++;
    }
    return this.pending.splice(0, n);
  }

  /**
   * One statement, one round trip, one commit for the whole group; prepared once per connection.
   * Stored ids are looked up only when the insert meets one (append-many.migration.ts): then the
   * group is sent again, looked up, and nothing of the first attempt was written.
   */
  private async appendMany(group: StreamAppend[][]): Promise<AppendAnswer[]> {
    const run = async (checkIds: boolean) => {
      const { rows } = await this.pool.query<{ r: AppendAnswer[] }>({
        name: 'event-store-append-many',
        text: 'SELECT event_store.append_many($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) AS r',
        values: [...toParameters(group), checkIds, APPEND_LOCK_KEY, APPEND_CHANNEL],
      });
      return rows[0].r;
    };
    try {
      return await run(false);
    } catch (error) {
      if (!isStoredIdViolation(error)) throw error;
      return run(true);
    }
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ revision: string | null }>(
      'SELECT max(revision) AS revision FROM event_store.events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0].revision === null ? null : Number(rows[0].revision);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [streamId];
    let where = 'stream_id = $1';
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision);
      where += backwards ? ' AND revision <= $2' : ' AND revision >= $2';
    }
    let limit = '';
    if (options.maxCount !== undefined) {
      params.push(options.maxCount);
      limit = ` LIMIT $${params.length}`;
    }
    return this.readEvents(
      `SELECT ${COLUMNS} FROM event_store.events WHERE ${where}
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'}${limit}`,
      params,
    );
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    // Prepared once per connection: a replay runs this same statement for every batch.
    return this.readEvents(`SELECT ${COLUMNS} FROM event_store.events WHERE position > $1 ORDER BY position LIMIT $2`, [options.after ?? 0, options.maxCount ?? 1000], 'event-store-read-all');
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ head: string }>(
      'SELECT coalesce(max(position), 0) AS head FROM event_store.events',
    );
    return Number(rows[0].head);
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    const batchSize = options.batchSize ?? 500;
    const idleWakeUpMs = this.options.idleWakeUpMs ?? 5_000;
    const waiter = this.notifier.register();
    let stopped = false;
    let checkpoint = options.after;

    const loop = async (): Promise<void> => {
      try {
        while (!stopped) {
          waiter.clear();
          const batch = await this.readAll({ after: checkpoint, maxCount: batchSize });
          if (batch.length > 0) {
            await handler(batch);
            checkpoint = batch[batch.length - 1].position;
            continue;
          }
          await waiter.wait(idleWakeUpMs);
        }
      } finally {
        waiter.unregister();
      }
    };
    const done = loop();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        waiter.wakeUp();
        await done.catch(() => undefined);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1 FROM event_store.events LIMIT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.notifier.close();
    await this.pool.end();
  }

  private async readEvents(text: string, values: unknown[], name?: string): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({ text, values, name, rowMode: 'array', types: EVENT_ROW_TYPES });
    const recordedAt = new RecordedAtText();
    const events = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = this.toRecorded(rows[i], recordedAt);
    return events;
  }

  private toRecorded(row: EventRow, recordedAt: RecordedAtText): RecordedEvent {
    const [position, streamId, revision, eventId, type, data, metadata, recorded] = row;
    const iso = recordedAt.iso(recorded);
    // The parsed object is this event's own: setting the key gives what `{ ...metadata, recordedAt }` gives
    // (same keys, same order) without copying it; anything but an object is spread as before.
    let meta: Record<string, unknown>;
    if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) {
      meta = metadata as Record<string, unknown>;
      meta.recordedAt = iso;
    } else {
      meta = { ...(metadata as any), recordedAt: iso };
    }
    const event: RecordedEvent = {
      eventId,
      type,
      streamId,
      revision: Number(revision),
      position: Number(position),
      data,
      metadata: meta as unknown as RecordedEvent['metadata'],
    };
    return this.upcasters.apply(event);
  }
}

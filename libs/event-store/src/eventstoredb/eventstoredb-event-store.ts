import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Direction as EsdbDirection,
  type JSONType,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type {
  AppendResult,
  BatchHandler,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import { answerOfRetry, type AlreadyStored } from '../idempotent-retry';
import { UpcasterChain, type Upcaster } from '../upcasting';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false` */
  connectionString: string;
  upcasters?: Upcaster[];
}

type EsdbEvent = NonNullable<ResolvedEvent['event']>;

/** Page size of the scans that must skip system events ($all reads cannot be filtered server-side by this client). */
const SYSTEM_SKIP_PAGE = 100;

/**
 * EventStoreDB/KurrentDB adapter of the port.
 *
 * Global positions are $all commit positions (byte offsets in the transaction log, far below
 * 2^53 in practice). Each event written by a gRPC append has its own commit position, equal
 * to its prepare position, so `{commit: p, prepare: p}` rebuilds the full $all position of any
 * checkpoint this adapter hands out. Positions are not contiguous: system events (`$…` types
 * or streams) sit between ours and are never returned. Needs server 22.6+ (positions on stream reads).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly upcasters: UpcasterChain;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.upcasters = new UpcasterChain(options.upcasters);
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (!streamId) throw new InvalidAppendError('streamId is required');
    if (events.length === 0) throw new InvalidAppendError('nothing to append');
    if (new Set(events.map((e) => e.eventId.toLowerCase())).size !== events.length) {
      throw new InvalidAppendError('the same eventId appears twice in one append');
    }
    const already = await this.alreadyAppended(streamId, events, expectedRevision);
    if (already) return already;

    const result = await this.client
      .appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({ id: e.eventId, type: e.type, data: (e.data ?? null) as JSONType, metadata: e.metadata }),
        ),
        { expectedRevision: toEsdbExpected(expectedRevision) },
      )
      .catch(async (error: unknown) => {
        if (error instanceof WrongExpectedVersionError) {
          throw new WrongExpectedRevisionError(streamId, expectedRevision, await this.actualRevision(streamId, error));
        }
        throw error;
      });
    const nextRevision = Number(result.nextExpectedRevision);
    // No position means the server answered idempotently (an identical append won the race
    // since our check): the first append's position is the one of the event at that revision.
    const position = result.position?.commit ?? (await this.commitPositionAt(streamId, nextRevision));
    return { nextRevision, position: Number(position) };
  }

  /** EventStoreDB has no multi-stream transaction: one append after the other (see the port). */
  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) throw new InvalidAppendError('nothing to append');
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length) throw new InvalidAppendError('the same stream appears twice in one append');
    const results: AppendResult[] = [];
    for (const { streamId, events, expectedRevision } of appends) results.push(await this.appendToStream(streamId, events, expectedRevision));
    return results;
  }

  /**
   * Idempotent retry, with the PostgreSQL adapter's rules but within the stream only.
   * EventStoreDB's own check is not enough: it writes the same ids again when the expected
   * revision is the current one, and with `any` it only remembers recent ids. Hence a scan
   * of the stream's ids before each append: one extra read, proportional to the stream.
   */
  private async alreadyAppended(
    streamId: string,
    events: EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | null> {
    const wanted = new Set(events.map((e) => e.eventId.toLowerCase()));
    const stored: AlreadyStored[] = [];
    let current: number | null = null;
    for await (const event of this.iterateStream(streamId, { direction: BACKWARDS, fromRevision: END })) {
      current ??= Number(event.revision);
      if (wanted.has(event.id.toLowerCase())) {
        stored.push({ eventId: event.id, streamId, revision: Number(event.revision), position: Number(commitPositionOf(event)) });
      }
    }
    return answerOfRetry(streamId, events, expected, current, stored);
  }

  private async actualRevision(streamId: string, error: WrongExpectedVersionError): Promise<number | null> {
    const actual: unknown = error.actualVersion;
    if (typeof actual === 'bigint') return Number(actual);
    if (actual === NO_STREAM) return null;
    return this.streamRevision(streamId);
  }

  private async commitPositionAt(streamId: string, revision: number): Promise<bigint> {
    for await (const event of this.iterateStream(streamId, {
      direction: BACKWARDS,
      fromRevision: BigInt(revision),
      maxCount: 1,
    })) {
      return commitPositionOf(event);
    }
    throw new Error(`Stream ${streamId}: no event at revision ${revision} right after appending it`);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    for await (const event of this.iterateStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
      maxCount: options.maxCount,
    })) {
      out.push(this.toRecorded(event));
    }
    return out;
  }

  async streamRevision(streamId: string): Promise<number | null> {
    for await (const event of this.iterateStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
      return Number(event.revision);
    }
    return null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    let after = BigInt(options.after ?? 0);
    let from: ReadPosition = after === 0n ? START : { commit: after, prepare: after };
    const out: RecordedEvent[] = [];
    // Pages go on until enough of our events are found, since system events are filtered here.
    while (out.length < maxCount) {
      // +1: a forward read includes the event at `from`, which was already seen.
      const pageSize = maxCount - out.length + 1;
      const page = await this.readAllPage(FORWARDS, from, pageSize);
      for (const event of page) {
        if (event.position.commit <= after || isSystem(event) || out.length === maxCount) continue;
        out.push(this.toRecorded(event));
      }
      if (page.length < pageSize) break;
      from = page[page.length - 1].position;
      after = from.commit;
    }
    return out;
  }

  async headPosition(): Promise<number> {
    let from: ReadPosition = END;
    let before: bigint | null = null;
    for (;;) {
      const page = await this.readAllPage(BACKWARDS, from, SYSTEM_SKIP_PAGE);
      // `before` drops the page's first event in case a backward read includes its start.
      const head = page.find((e) => (before === null || e.position.commit < before) && !isSystem(e));
      if (head) return Number(head.position.commit);
      if (page.length < SYSTEM_SKIP_PAGE) return 0;
      from = page[page.length - 1].position;
      before = from.commit;
    }
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    const batchSize = options.batchSize ?? 500;
    let stopped = false;
    let checkpoint = options.after;
    let wake: () => void = () => undefined;
    let live: AllStreamSubscription | undefined;

    const deliver = async (batch: RecordedEvent[]): Promise<void> => {
      await handler(batch);
      checkpoint = batch[batch.length - 1].position;
    };

    const catchUp = async (): Promise<void> => {
      while (!stopped) {
        const batch = await this.readAll({ after: checkpoint, maxCount: batchSize });
        if (batch.length > 0) await deliver(batch);
        if (batch.length < batchSize) return;
      }
    };

    const followLive = async (): Promise<void> => {
      const at = BigInt(checkpoint);
      const subscription = this.client.subscribeToAll({
        fromPosition: at === 0n ? START : { commit: at, prepare: at },
        filter: excludeSystemEvents(),
      });
      live = subscription;
      const buffer: AllStreamResolvedEvent[] = [];
      let failure: unknown = null;
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        buffer.push(resolved);
        // Backpressure: a slow handler pauses the gRPC stream instead of growing the buffer.
        if (buffer.length >= batchSize) subscription.pause();
        wake();
      });
      subscription.on('error', (error: Error) => {
        failure ??= error;
        wake();
      });
      subscription.on('end', () => {
        failure ??= new Error('EventStoreDB ended the $all subscription');
        wake();
      });
      while (!stopped) {
        if (failure) throw failure;
        if (buffer.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const arrived = buffer.splice(0, batchSize);
        subscription.resume();
        const last = BigInt(checkpoint);
        const batch = arrived.flatMap((r) =>
          r.event && !isSystem(r.event) && r.event.position.commit > last ? [this.toRecorded(r.event)] : [],
        );
        if (batch.length > 0) await deliver(batch);
      }
    };

    const run = async (): Promise<void> => {
      try {
        await catchUp();
        if (!stopped) await followLive();
      } finally {
        stopped = true;
        if (live) {
          await live.unsubscribe().catch(() => undefined);
          live.destroy();
        }
      }
    };
    const done = run();
    // Failures are reported through `done`; this keeps an unobserved one from crashing the process.
    done.catch(() => undefined);
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        wake();
        await done.catch(() => undefined);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.readAllPage(BACKWARDS, END, 1);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  /** Events of one stream, none when it does not exist. */
  private async *iterateStream(
    streamId: string,
    options: { direction: EsdbDirection; fromRevision: ReadRevision; maxCount?: number },
  ): AsyncGenerator<EsdbEvent> {
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) yield resolved.event;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }

  private async readAllPage(
    direction: EsdbDirection,
    fromPosition: ReadPosition,
    maxCount: number,
  ): Promise<AllStreamRecordedEvent[]> {
    const out: AllStreamRecordedEvent[] = [];
    for await (const resolved of this.client.readAll({ direction, fromPosition, maxCount })) {
      if (resolved.event) out.push(resolved.event);
    }
    return out;
  }

  private toRecorded(event: EsdbEvent): RecordedEvent {
    const recorded: RecordedEvent = {
      eventId: event.id,
      type: event.type,
      streamId: event.streamId,
      revision: Number(event.revision),
      position: Number(commitPositionOf(event)),
      data: event.data,
      metadata: {
        ...(event.metadata as Omit<EventMetadata, 'recordedAt'>),
        // The client already turns the server's .NET ticks into a Date.
        recordedAt: event.created.toISOString(),
      },
    };
    return this.upcasters.apply(recorded);
  }
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function commitPositionOf(event: EsdbEvent): bigint {
  // Stream reads carry the log position only from server 22.6 on.
  if (!event.position) throw new Error(`EventStoreDB gave no position for event ${event.id}: server 22.6+ required`);
  return event.position.commit;
}

/** System events: `$…` types (links, stats, metadata) or `$…` streams. */
function isSystem(event: EsdbEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

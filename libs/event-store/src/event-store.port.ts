/**
 * The one port every layer above the store depends on. Adapters: PostgreSQL (default)
 * and EventStoreDB/KurrentDB. Revisions are 0-based per stream, positions are the
 * global log order (strictly increasing, not necessarily contiguous).
 */

export const EVENT_STORE = Symbol('EVENT_STORE');

export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

export interface EventMetadata {
  schemaVersion: number;
  occurredAt: string;
  /** Set by the store when the event is written; ignored on append. */
  recordedAt?: string;
  userId: string;
  correlationId: string;
  causationId: string | null;
}

export interface EventToAppend<TData = unknown> {
  eventId: string;
  type: string;
  data: TData;
  metadata: Omit<EventMetadata, 'recordedAt'>;
}

export interface RecordedEvent<TData = unknown> {
  eventId: string;
  type: string;
  streamId: string;
  revision: number;
  position: number;
  data: TData;
  metadata: EventMetadata & { recordedAt: string };
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: Direction;
  /** Inclusive start revision; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. 0 (default) means from the start. */
  after?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: delivery starts strictly after it. */
  after: number;
  /** Upper bound of one delivered batch. */
  batchSize?: number;
}

/** Called with consecutive batches in global order; the next batch waits for the returned promise. */
export type BatchHandler = (events: RecordedEvent[]) => Promise<void>;

export interface Subscription {
  /** Stops after the batch in flight; resolves once stopped. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends (stopped), rejects if the handler or the store failed. */
  readonly done: Promise<void>;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams, each with its own expected revision; answers each stream's result
   * in the same order. PostgreSQL: one transaction (all or nothing, one commit for all). EventStoreDB
   * has no multi-stream transaction: its adapter appends the streams one after the other, so callers
   * use this only for appends that are safe to find half-done (locators, idempotent by their rules).
   */
  appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Current revision of a stream, or null if it has no event. */
  streamRevision(streamId: string): Promise<number | null>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event in the global log, 0 when empty. */
  headPosition(): Promise<number>;
  /** Catch up from a checkpoint, then stay live (woken by the store, not by a tight poll). */
  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription;
  /** Reachability probe for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Stream type is the stream id's prefix before its first '-' (e.g. `marche-<uuid>` → `marche`). */
export function streamTypeOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

import { fold, versionDuSchema, type Decider, type DomainEvent } from '@suivi/domain';
import { WrongExpectedRevisionError, type EventStore, type EventToAppend, type RecordedEvent, type StreamAppend } from '@suivi/event-store';
import type { CommandContext } from './command-context';
import { randomUUID } from 'node:crypto';
import { uuidV5 } from './deterministic-id';
import { SharedReads } from './shared-reads';

export interface Loaded<S> {
  state: S;
  /** Revision of the stream's last event, null when the stream does not exist. */
  revision: number | null;
  /** Global position of the stream's last event, null when the stream does not exist. */
  position: number | null;
  /** When the stream's last event was recorded (ISO), null when the stream does not exist. */
  recordedAt: string | null;
}

export interface ExecutionResult<S, E> extends Loaded<S> {
  /** The events this command appended (or had appended on an earlier attempt of the same request). */
  events: E[];
}

export interface Execution<C, E extends DomainEvent, S> {
  streamId: string;
  decider: Decider<C, E, S>;
  /** Builds the command from the stream's current state (it may read other streams). */
  command: (state: S) => C | Promise<C>;
  context: CommandContext;
  /** Distinguishes the appends of one request that writes several streams. */
  step?: string;
  /**
   * False when the decision reads no personal field (a placement's commands): the stream is folded
   * with them null, as an erased person's, without reading the person's key (one query less).
   */
  readIdentity?: boolean;
  /**
   * Takes, after a successful decision and before the append, what other streams must hold
   * first (a locator, a uniqueness reservation). Answers how to give it back, or null when it
   * took nothing (already held): a request that ends refused releases what it took.
   */
  reserve?: (events: E[], state: S) => Promise<Reservation | null>;
  /**
   * Instead of `reserve`, streams believed new that must hold an event along with this command's
   * (a locator that is right whatever happens, never given back): appended in the same call, first
   * (one statement and one transaction on PostgreSQL), one round trip and one commit less. Decided
   * on their initial state with `no_stream`; when one exists after all, `reserve` takes over.
   */
  alongsideNew?: (events: E[], state: S) => NewStreamPart[];
}

/** A command decided on a stream believed new, written along with another (Execution.alongsideNew). */
export interface NewStreamPart {
  streamId: string;
  decider: Decider<any, DomainEvent, any>;
  command: unknown;
}

/** Something a command took in another stream before its own append. */
export interface Reservation {
  /** Gives it back, unless the fact it was taken for landed meanwhile (another request with the same id). */
  release(): Promise<void>;
}

interface Taken {
  reservations: Reservation[];
  appendOutcomeUnknown: boolean;
}

/**
 * What is done to events on their way to the log and back: the personal data's encryption
 * (libs/personal-data). The domain above decides on clear values; the log below holds ciphertext.
 */
export interface EventProtection {
  protect(events: EventToAppend[]): Promise<EventToAppend[]>;
  reveal(events: RecordedEvent[]): Promise<RecordedEvent[]>;
  /** The events with their personal fields null, no key read (absent: as stored). */
  conceal?(events: RecordedEvent[]): RecordedEvent[];
}

const NO_PROTECTION: EventProtection = { protect: async (events) => events, reveal: async (events) => events };

/** Contention is short-lived (one append); enough attempts that a client without If-Match never sees it. */
const MAX_ATTEMPTS = 20;

/**
 * The one command handler of the write side: read the stream, fold, decide, append with the
 * stream's revision as expected revision. Without If-Match, a concurrency conflict is retried
 * by deciding again on fresh state; with it, the conflict is the caller's answer (409).
 */
export class CommandExecutor {
  /** A stream's events as stored; concurrent reads of one stream share a query (each as fresh as its own). */
  private readonly streams: SharedReads<RecordedEvent[]>;

  constructor(
    private readonly store: EventStore,
    private readonly protection: EventProtection = NO_PROTECTION,
  ) {
    this.streams = new SharedReads((streamId) => store.readStream(streamId));
  }

  async load<S, E extends DomainEvent>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, streamId: string): Promise<Loaded<S>> {
    return this.folded(decider, await this.readStream(streamId));
  }

  /** A stream's events as the domain reads them (personal fields decrypted, or null once erased). */
  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.protection.reveal(await this.streams.get(streamId));
  }

  async execute<C, E extends DomainEvent, S>(execution: Execution<C, E, S>): Promise<ExecutionResult<S, E>> {
    const taken: Taken = { reservations: [], appendOutcomeUnknown: false };
    try {
      const result = await this.decideAndAppend(execution, taken);
      // Decided again on fresh state, the command had nothing left to do: nothing uses what it took.
      if (result.events.length === 0) await this.releaseAll(taken);
      return result;
    } catch (error) {
      // An append that failed otherwise than by a conflict (connection lost...) may have committed:
      // what it took stays (a locator to nothing is invisible, a stale SIRET reservation is taken over).
      if (!taken.appendOutcomeUnknown) await this.releaseAll(taken);
      throw error;
    }
  }

  /**
   * Decides each command on a stream believed new and appends them all at once: one transaction
   * and one commit on PostgreSQL, instead of one per stream (the timesheet import writes a locator
   * per declaration). A stream that exists after all refuses the whole batch with
   * WrongExpectedRevisionError, and the caller goes one stream at a time through `execute`.
   */
  async executeOnNewStreams<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    parts: Array<{ streamId: string; command: C }>,
    context: CommandContext,
  ): Promise<void> {
    const appends = [];
    for (const { streamId, command } of parts) {
      const events = decider.decide(command, decider.initialState);
      if (events.length === 0) continue;
      const execution = { streamId, decider, context, command: () => command };
      appends.push({ streamId, events: await this.protection.protect(events.map((e, i) => this.toAppend(e, i, execution))), expectedRevision: 'no_stream' as const });
    }
    if (appends.length > 0) await this.store.appendToStreams(appends);
  }

  /**
   * For a stream that is new in the common case (a locator written by the request that creates
   * what it points to): decides on the initial state and appends with `no_stream`, without reading
   * the stream first, one round trip less. A stream that exists after all is refused by the store,
   * and the command goes the usual way (read, decide on the real state, append).
   */
  async executeOnBelievedNewStream<C, E extends DomainEvent, S>(execution: Execution<C, E, S>): Promise<ExecutionResult<S, E>> {
    const { streamId, decider, context } = execution;
    // What the usual way does on a replay or a reservation needs the stream's events: no shortcut then.
    if (execution.reserve || context.idempotencySeed || context.expectedRevision !== undefined) return this.execute(execution);
    const initial = decider.initialState;
    const events = decider.decide(await execution.command(initial), initial);
    if (events.length === 0) return this.execute(execution);
    try {
      const result = await this.store.appendToStream(streamId, await this.protection.protect(events.map((e, i) => this.toAppend(e, i, execution))), 'no_stream');
      return { state: events.reduce(decider.evolve, initial), revision: result.nextRevision, position: result.position, recordedAt: new Date().toISOString(), events };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return this.execute(execution);
      throw error;
    }
  }

  /** The appends of Execution.alongsideNew: ids of their own (not the request's), as a locator's. */
  private async newStreamAppends(parts: NewStreamPart[], context: CommandContext): Promise<StreamAppend[]> {
    const appends: StreamAppend[] = [];
    for (const part of parts) {
      const events = part.decider.decide(part.command, part.decider.initialState);
      if (events.length === 0) continue;
      const execution = { streamId: part.streamId, decider: part.decider, context: { ...context, idempotencySeed: undefined }, command: () => part.command };
      appends.push({ streamId: part.streamId, events: await this.protection.protect(events.map((e, i) => this.toAppend(e, i, execution))), expectedRevision: 'no_stream' });
    }
    return appends;
  }

  private concealed(events: RecordedEvent[]): RecordedEvent[] {
    return this.protection.conceal ? this.protection.conceal(events) : events;
  }

  /** Best effort: a release that fails leaves a reservation that the next taker finds stale. */
  private async releaseAll(taken: Taken): Promise<void> {
    for (const reservation of taken.reservations.splice(0)) await reservation.release().catch(() => undefined);
  }

  private async decideAndAppend<C, E extends DomainEvent, S>(execution: Execution<C, E, S>, taken: Taken): Promise<ExecutionResult<S, E>> {
    const { streamId, decider, context } = execution;
    let alongsideNewFailed = false;
    for (let attempt = 1; ; attempt++) {
      const recorded = execution.readIdentity === false ? this.concealed(await this.streams.get(streamId)) : await this.readStream(streamId);
      const replay = this.alreadyAppended(execution, recorded);
      if (replay) return replay;

      const current = this.folded(decider, recorded);
      if (context.expectedRevision !== undefined && context.expectedRevision !== current.revision) {
        throw new WrongExpectedRevisionError(streamId, context.expectedRevision, current.revision);
      }
      const command = await execution.command(current.state);
      const events = decider.decide(command, current.state);
      if (events.length === 0) return { ...current, events };
      const alongside = alongsideNewFailed ? [] : await this.newStreamAppends(execution.alongsideNew?.(events, current.state) ?? [], context);
      if (alongside.length === 0) {
        const reservation = await execution.reserve?.(events, current.state);
        if (reservation) taken.reservations.push(reservation);
      }
      try {
        const own = {
          streamId,
          events: await this.protection.protect(events.map((e, i) => this.toAppend(e, i, execution))),
          expectedRevision: current.revision === null ? ('no_stream' as const) : current.revision,
        };
        const result =
          alongside.length === 0
            ? await this.store.appendToStream(own.streamId, own.events, own.expectedRevision)
            : (await this.store.appendToStreams([...alongside, own]))[alongside.length];
        return {
          state: events.reduce(decider.evolve, current.state),
          revision: result.nextRevision,
          position: result.position,
          recordedAt: new Date().toISOString(),
          events,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) taken.appendOutcomeUnknown = true;
        // A stream believed new exists (the same request came before): `reserve` does it, at once.
        if (error instanceof WrongExpectedRevisionError && alongside.some((a) => a.streamId === error.streamId)) {
          alongsideNewFailed = true;
          continue;
        }
        const retry = error instanceof WrongExpectedRevisionError && context.expectedRevision === undefined && attempt < MAX_ATTEMPTS;
        if (!retry) throw error;
        // Jittered backoff, so that racing writers stop colliding in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /** An earlier attempt of the same idempotent request already appended its events: answer them. */
  private alreadyAppended<C, E extends DomainEvent, S>(execution: Execution<C, E, S>, recorded: RecordedEvent[]): ExecutionResult<S, E> | null {
    if (!execution.context.idempotencySeed) return null;
    const first = recorded.findIndex((e) => e.eventId === this.eventId(execution, 0));
    if (first === -1) return null;
    let end = first;
    while (end < recorded.length && recorded[end].eventId === this.eventId(execution, end - first)) end++;
    const upTo = recorded.slice(0, end);
    return {
      ...this.folded(execution.decider, upTo),
      events: recorded.slice(first, end).map((e) => ({ type: e.type, data: e.data }) as E),
    };
  }

  private folded<S, E extends DomainEvent>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, recorded: RecordedEvent[]): Loaded<S> {
    const last = recorded[recorded.length - 1];
    return {
      state: fold(decider, recorded.map((e) => ({ type: e.type, data: e.data }) as E)),
      revision: last ? last.revision : null,
      position: last ? last.position : null,
      recordedAt: last ? last.metadata.recordedAt : null,
    };
  }

  private eventId(execution: Execution<any, any, any>, index: number): string {
    return commandEventId(execution.context.idempotencySeed, execution.streamId, execution.step, index);
  }

  private toAppend<E extends DomainEvent>(event: E, index: number, execution: Execution<any, E, any>): EventToAppend {
    return eventToAppend(event, index, execution);
  }
}

/**
 * The id of a command's index-th event on a stream: a function of the request's idempotency seed,
 * so that the same request sent again finds what it wrote (also used by the benches that write the
 * command side's log without it, to give the same ids).
 */
export function commandEventId(idempotencySeed: string | undefined, streamId: string, step: string | undefined, index: number): string {
  return uuidV5(`${idempotencySeed}|${streamId}|${step ?? ''}|${index}`);
}

/** An event decided by a command as it is appended: its id (random without an idempotency seed) and the command's metadata. */
export function eventToAppend<E extends DomainEvent>(
  event: E,
  index: number,
  { context, streamId, step }: { context: CommandContext; streamId: string; step?: string },
): EventToAppend {
  return {
    eventId: context.idempotencySeed ? commandEventId(context.idempotencySeed, streamId, step, index) : randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      schemaVersion: versionDuSchema(event.type),
      occurredAt: context.now.toISOString(),
      userId: context.userId,
      correlationId: context.correlationId,
      causationId: context.causationId,
    },
  };
}

import type { EventStore, RecordedEvent, Subscription } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection';
import { advanceCheckpoint, lockCheckpoint, recordProjectionError, type Checkpoint } from './checkpoints';
import { backoffMs, errorMessage, isTransientFailure } from './failures';
import { ProjectionLock } from './projection-lock';

export type RunnerLogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface ProjectionRunnerOptions {
  batchSize: number;
  /** How often a standby instance tries to take over a projection run elsewhere. */
  standbyRetryMs: number;
  /** How often a projection stopped at an event it cannot apply tries that event again (default one minute). */
  errorRetryMs?: number;
  /** Pause after a transient failure: `first`, doubled at each failure up to `max`, jittered (default 250 ms to 5 s). */
  transientRetryMs?: { first: number; max: number };
  /**
   * Pause after a batch shorter than `batchSize` (the projection caught up) before reading the log
   * again (default 50 ms), so that events appended meanwhile are applied together: one transaction
   * per projection for many appends instead of one each. An event after a quiet spell is applied at
   * once; under load, the read models lag by about this much more.
   */
  coalesceMs?: number;
  /** Every message comes with its level: `error` a projection stopped, `warn` the database is unreachable. */
  log: (message: string, fields: Record<string, unknown>, level: RunnerLogLevel) => void;
}

/** Thrown inside a batch when the stored checkpoint moved (a reset, or another runner): restart from it. */
class CheckpointMovedError extends Error {}

/** The projection is stopped at an event that some process tried less than `errorRetryMs` ago. */
class RetryNotDueError extends Error {
  constructor(readonly waitMs: number) {
    super(`retry of the event the projection is stopped at is due in ${waitMs} ms`);
  }
}

/** The projection threw on this event: it is recorded and the runner stops just before it. */
export class PoisonEventError extends Error {
  constructor(
    readonly event: RecordedEvent,
    readonly cause: unknown,
  ) {
    super(`projection cannot apply event ${event.position} (${event.type}): ${errorMessage(cause)}`);
  }
}

const DEFAULT_ERROR_RETRY_MS = 60_000;
const DEFAULT_COALESCE_MS = 50;
const DEFAULT_TRANSIENT_RETRY = { first: 250, max: 5_000 };
/** Unexpected failures in a row after which the projection shows `en_erreur` (see `recordStuck`). */
const UNEXPECTED_FAILURES_BEFORE_EN_ERREUR = 3;
/** The `type` recorded when no event can be blamed. */
const STUCK_EVENT_TYPE = '(lecture du journal)';
/** During a long outage, one warning per this period (the others go to debug). */
const TRANSIENT_WARN_EVERY_MS = 30_000;

/**
 * Runs one projection: takes its lock (or waits as a standby), then follows the global log
 * from the stored checkpoint. Each batch is applied and the checkpoint advanced in one
 * transaction, so a crash at any point loses nothing and counts nothing twice.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wakeStandby: (() => void) | null = null;
  private endCoalescing: (() => void) | null = null;
  private readonly lock: ProjectionLock;
  private _active = false;
  private resetRequested = false;
  private lockLost = false;
  /** Last position known applied (for the logs). */
  private position = 0;
  /** The event this runner found the projection stopped at (stored or its own), until applied. */
  private stoppedAt: number | null = null;
  /** What was last logged at error level, so that a retry failing the same way does not log it again. */
  private lastReported: string | null = null;
  private transientFailures = 0;
  private lastTransientWarning = 0;

  constructor(
    private readonly projection: Projection,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    connectionString: string,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.lock = new ProjectionLock(connectionString, projection.name);
  }

  get name(): string {
    return this.projection.name;
  }

  /** Whether this process currently holds the projection's lock. */
  get active(): boolean {
    return this._active;
  }

  start(): void {
    this.running ??= this.run().catch((error) => {
      this.log('error', 'projection runner failed', { error: String(error?.stack ?? error) });
    });
  }

  /**
   * Never gives up while not stopped. Each failure releases the lock, so that a standby
   * elsewhere (perhaps with fixed code) may take over meanwhile, then:
   * - the database unreachable (transient): retried after a short jittered backoff, so the
   *   projection resumes within seconds of the database coming back;
   * - an event the projection cannot apply (poison): the projection is recorded `en_erreur` at
   *   that event and the event is tried again only every `errorRetryMs`;
   * - anything else (a missing table, an event the store cannot read): retried with a
   *   backoff growing to `errorRetryMs`, logged as an error.
   */
  private async run(): Promise<void> {
    let unexpectedFailures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.lock.tryAcquire())) {
          await this.pause(this.options.standbyRetryMs);
          continue;
        }
        this.lockLost = false;
        this._active = true;
        this.log(this.stoppedAt === null && this.transientFailures === 0 ? 'info' : 'debug', 'projection runner active');
        this.lock.onceLost(() => {
          this.lockLost = true;
          this.endCoalescing?.();
          this.log(this.stopped ? 'debug' : 'warn', 'projection lock lost, stopping');
          void this.subscription?.stop();
        });
        this.lock.onReset(() => {
          this.resetRequested = true;
          this.endCoalescing?.();
          void this.subscription?.stop();
        });
        while (!this.stopped && !this.lockLost && (await this.follow())) {
          this.log('info', 'projection checkpoint moved (reset or another runner), restarting');
        }
        unexpectedFailures = 0;
      } catch (error) {
        this._active = false;
        await this.lock.release();
        if (error instanceof PoisonEventError) {
          await this.pause(this.options.errorRetryMs ?? DEFAULT_ERROR_RETRY_MS);
        } else if (error instanceof RetryNotDueError) {
          await this.pause(error.waitMs);
        } else if (isTransientFailure(error)) {
          this.transientFailures++;
          const warn = this.transientFailures === 1 || Date.now() - this.lastTransientWarning >= TRANSIENT_WARN_EVERY_MS;
          if (warn) this.lastTransientWarning = Date.now();
          const { first, max } = this.options.transientRetryMs ?? DEFAULT_TRANSIENT_RETRY;
          const pauseMs = backoffMs(this.transientFailures, first, max);
          this.log(warn ? 'warn' : 'debug', 'projection paused: database unreachable, retrying', {
            attempt: this.transientFailures,
            retryInMs: pauseMs,
            error: errorMessage(error),
          });
          await this.pause(pauseMs);
        } else {
          unexpectedFailures++;
          this.report(`unexpected:${errorMessage(error)}`, 'projection runner failed, retrying', {
            attempt: unexpectedFailures,
            error: String((error as Error)?.stack ?? error),
          });
          if (unexpectedFailures === UNEXPECTED_FAILURES_BEFORE_EN_ERREUR) await this.recordStuck(error);
          await this.pause(backoffMs(unexpectedFailures, 1_000, this.options.errorRetryMs ?? DEFAULT_ERROR_RETRY_MS));
        }
      } finally {
        this._active = false;
        await this.lock.release();
      }
    }
  }

  /** Follows the log until stopped; answers true when it must restart from the stored checkpoint. */
  private async follow(): Promise<boolean> {
    this.resetRequested = false;
    const start = await this.dataSource.transaction((tx) => lockCheckpoint(tx, this.name));
    this.waitIfRetryNotDue(start);
    this.position = start.position;
    this.stoppedAt = start.errorPosition ?? null;
    if (this.transientFailures > 0) {
      this.log('info', 'projection resumed: database reachable again', { failures: this.transientFailures });
      this.transientFailures = 0;
    }
    let expected: Checkpoint = start;
    this.subscription = this.store.subscribeToAll(
      { after: start.position, batchSize: this.options.batchSize },
      async (events) => {
        expected = await this.applyOrStopAtFailingEvent(events, expected);
        if (events.length < this.options.batchSize) await this.coalesce();
      },
    );
    // A reset, a stop or the loss of the lock may have come while the subscription was being set up.
    if (this.resetRequested || this.stopped || this.lockLost) void this.subscription.stop();
    try {
      await this.subscription.done;
      return this.resetRequested;
    } catch (error) {
      if (error instanceof CheckpointMovedError) return true;
      throw error;
    } finally {
      this.subscription = null;
    }
  }

  /**
   * The event a projection is stopped at is tried again every `errorRetryMs` by all processes
   * together (the attempt time is shared with the checkpoint), not once per process: a standby
   * taking the lock meanwhile waits too. A process tries it once at its start (a fix deployed).
   */
  private waitIfRetryNotDue(start: Checkpoint): void {
    if (start.errorPosition == null || this.stoppedAt !== start.errorPosition || !start.errorAttemptAt) return;
    const waitMs = (this.options.errorRetryMs ?? DEFAULT_ERROR_RETRY_MS) - (Date.now() - start.errorAttemptAt.getTime());
    if (waitMs > 0) throw new RetryNotDueError(waitMs);
  }

  /**
   * Applies a batch in one transaction; if it fails for another reason than the database, applies
   * its events one per transaction instead, so that every event before the failing one is kept
   * and the projection stops exactly at the event it cannot apply.
   */
  private async applyOrStopAtFailingEvent(events: RecordedEvent[], expected: Checkpoint): Promise<Checkpoint> {
    let failure: unknown;
    try {
      return this.applied(events, await this.applyBatch(events, expected));
    } catch (error) {
      if (error instanceof CheckpointMovedError || isTransientFailure(error)) throw error;
      failure = error;
    }
    if (events.length === 1) throw await this.stopAt(events[0], failure, expected);
    let checkpoint = expected;
    for (const event of events) {
      try {
        checkpoint = this.applied([event], await this.applyBatch([event], checkpoint));
      } catch (error) {
        if (error instanceof CheckpointMovedError || isTransientFailure(error)) throw error;
        throw await this.stopAt(event, error, checkpoint);
      }
    }
    // Every event applies alone: the batch failed for a reason of its own (e.g. two events clashing in one statement).
    return checkpoint;
  }

  private applied(events: RecordedEvent[], checkpoint: Checkpoint): Checkpoint {
    this.position = checkpoint.position;
    if (this.stoppedAt !== null && events.some((e) => e.position === this.stoppedAt)) {
      this.log('info', 'projection applied the event it was stopped at, running again', { stoppedAt: this.stoppedAt });
      this.stoppedAt = null;
      this.lastReported = null;
    }
    return checkpoint;
  }

  /**
   * The batch's writes and the checkpoint's advance, in one transaction. The advance goes first:
   * one statement checks the stored checkpoint, locks its row, moves it and points the search_path
   * at the projection's live schema (a rebuild writes its shadow), where three did the same before
   * the writes; the transaction fails as a whole if a write fails. A batch the projection has
   * nothing to write for (`concerne`) only advances the checkpoint: one statement, no transaction.
   */
  private async applyBatch(events: RecordedEvent[], expected: Checkpoint): Promise<Checkpoint> {
    const position = events[events.length - 1].position;
    const { concerne } = this.projection;
    if (concerne && !events.some((e) => concerne.call(this.projection, e))) {
      if (!(await advanceCheckpoint(this.dataSource.manager, this.name, expected, position))) throw new CheckpointMovedError();
      return { position, generation: expected.generation };
    }
    return this.dataSource.transaction(async (tx) => {
      if (!(await advanceCheckpoint(tx, this.name, expected, position, this.projection.schema))) throw new CheckpointMovedError();
      await this.projection.apply(events, tx);
      return { position, generation: expected.generation };
    });
  }

  /** Records the failing event with the checkpoint (seen by every process) and reports it once. */
  private async stopAt(event: RecordedEvent, cause: unknown, expected: Checkpoint): Promise<PoisonEventError> {
    const message = errorMessage(cause);
    await this.dataSource.transaction(async (tx) => {
      const stored = await lockCheckpoint(tx, this.name);
      if (stored.generation !== expected.generation || stored.position !== expected.position) {
        throw new CheckpointMovedError();
      }
      await recordProjectionError(tx, this.name, { position: event.position, eventType: event.type, eventId: event.eventId, message });
    });
    this.stoppedAt = event.position;
    const retryS = Math.round((this.options.errorRetryMs ?? DEFAULT_ERROR_RETRY_MS) / 1000);
    this.report(`poison:${event.position}:${message}`, `projection stopped at an event it cannot apply (en_erreur); retried every ${retryS} s`, {
      position: event.position,
      eventType: event.type,
      eventId: event.eventId,
      streamId: event.streamId,
      error: message,
      stack: cause instanceof Error ? cause.stack : undefined,
    });
    return new PoisonEventError(event, cause);
  }

  /**
   * A failure that no event can be blamed for (the log cannot be read past the checkpoint, an
   * upcaster throws, a table is missing) also shows as `en_erreur`, at the last position applied,
   * so that `/ready` and `projections:status` do not call a projection that never moves healthy.
   * The next checkpoint advance clears it.
   */
  private async recordStuck(error: unknown): Promise<void> {
    await this.dataSource
      .transaction((tx) => recordProjectionError(tx, this.name, { position: this.position, eventType: STUCK_EVENT_TYPE, eventId: '', message: errorMessage(error) }))
      .catch(() => undefined);
  }

  /** At error level the first time, at debug when the same failure comes back at the next retry. */
  private report(key: string, message: string, fields: Record<string, unknown>): void {
    this.log(key === this.lastReported ? 'debug' : 'error', message, fields);
    this.lastReported = key;
  }

  private log(level: RunnerLogLevel, message: string, fields: Record<string, unknown> = {}): void {
    this.options.log(message, { projection: this.name, position: this.position, ...fields }, level);
  }

  /** Lets the appends of the next `coalesceMs` gather before the next read (cut short by a stop, a reset or the lock's loss). */
  private coalesce(): Promise<void> {
    const ms = this.options.coalesceMs ?? DEFAULT_COALESCE_MS;
    if (ms <= 0 || this.stopped || this.resetRequested || this.lockLost) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.endCoalescing = null;
        resolve();
      }
      this.endCoalescing = done;
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // A stop that came while an attempt was failing must not wait for the pause that follows.
      if (this.stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      this.wakeStandby = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops at a batch boundary: the batch in flight commits (or rolls back) entirely. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeStandby?.();
    this.endCoalescing?.();
    await this.subscription?.stop();
    await this.running;
  }
}

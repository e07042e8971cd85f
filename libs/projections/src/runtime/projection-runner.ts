import type { EventStore, RecordedEvent, Subscription } from '@suivi/event-store';
import type { DataSource } from 'typeorm';
import type { Projection } from './projection';
import { lockCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoints';
import { ProjectionLock } from './projection-lock';

export interface ProjectionRunnerOptions {
  batchSize: number;
  /** How often a standby instance tries to take over a projection run elsewhere. */
  standbyRetryMs: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/** Thrown inside a batch when the stored checkpoint moved (a reset, or another runner): restart from it. */
class CheckpointMovedError extends Error {}

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
  private readonly lock: ProjectionLock;
  private _active = false;
  private resetRequested = false;
  private lockLost = false;

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
      this.options.log('projection runner failed', { projection: this.name, error: String(error?.stack ?? error) });
    });
  }

  /**
   * Never gives up while not stopped: a failure (database down, connection dropped, a batch
   * that throws) releases the lock and retries after a growing pause, so that a standby
   * elsewhere may take over meanwhile.
   */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.lock.tryAcquire())) {
          await this.pause(this.options.standbyRetryMs);
          continue;
        }
        this.lockLost = false;
        this._active = true;
        this.options.log('projection runner active', { projection: this.name });
        this.lock.onceLost(() => {
          this.lockLost = true;
          this.options.log('projection lock lost, stopping', { projection: this.name });
          void this.subscription?.stop();
        });
        this.lock.onReset(() => {
          this.resetRequested = true;
          void this.subscription?.stop();
        });
        while (!this.stopped && !this.lockLost && (await this.follow())) {
          this.options.log('projection checkpoint moved (reset or another runner), restarting', { projection: this.name });
        }
        failures = 0;
      } catch (error) {
        failures++;
        this._active = false;
        await this.lock.release();
        this.options.log('projection runner failed, retrying', {
          projection: this.name,
          attempt: failures,
          error: String((error as Error)?.stack ?? error),
        });
        await this.pause(Math.min(30_000, this.options.standbyRetryMs * 2 ** Math.min(failures, 6)));
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
    let expected: Checkpoint = start;
    this.subscription = this.store.subscribeToAll(
      { after: start.position, batchSize: this.options.batchSize },
      async (events) => {
        expected = await this.applyBatch(events, expected);
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

  private applyBatch(events: RecordedEvent[], expected: Checkpoint): Promise<Checkpoint> {
    return this.dataSource.transaction(async (tx) => {
      const stored = await lockCheckpoint(tx, this.name);
      if (stored.generation !== expected.generation || stored.position !== expected.position) {
        throw new CheckpointMovedError();
      }
      await this.projection.apply(events, tx);
      const position = events[events.length - 1].position;
      await saveCheckpoint(tx, this.name, position);
      return { position, generation: stored.generation };
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
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
    await this.subscription?.stop();
    await this.running;
  }
}

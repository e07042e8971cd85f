import type { Client } from 'pg';

export const APPEND_CHANNEL = 'event_store_appended';

export interface AppendWaiter {
  /** Forget wake-ups received so far (call before reading). */
  clear(): void;
  /** Resolves on the next append notification (or one received since clear), or after timeoutMs. */
  wait(timeoutMs: number): Promise<void>;
  wakeUp(): void;
  unregister(): void;
}

/**
 * One LISTEN connection shared by all subscriptions of a store. A lost connection is
 * reopened on the next wait; subscribers also wake up on a timeout, so a notification
 * lost during a reconnect only delays them, never loses events.
 */
export class AppendNotifier {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly waiters = new Set<WaiterImpl>();
  private closed = false;

  constructor(private readonly newClient: () => Client) {}

  register(): AppendWaiter {
    const waiter = new WaiterImpl(this);
    this.waiters.add(waiter);
    return waiter;
  }

  unregisterWaiter(waiter: WaiterImpl): void {
    this.waiters.delete(waiter);
  }

  ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = this.listen().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async listen(): Promise<void> {
    const client = this.newClient();
    const drop = () => {
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => {
      for (const w of this.waiters) w.wakeUp();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${APPEND_CHANNEL}`);
      this.client = client;
      // Events appended while we were not listening must not wait for the timeout.
      for (const w of this.waiters) w.wakeUp();
    } catch {
      drop();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters) w.wakeUp();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

class WaiterImpl implements AppendWaiter {
  private pending = false;
  private resolve: (() => void) | null = null;

  constructor(private readonly notifier: AppendNotifier) {}

  clear(): void {
    this.pending = false;
  }

  async wait(timeoutMs: number): Promise<void> {
    await this.notifier.ensureListening();
    if (this.pending) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.resolve = null;
        resolve();
      }
      this.resolve = done;
    });
  }

  wakeUp(): void {
    this.pending = true;
    this.resolve?.();
  }

  unregister(): void {
    this.notifier.unregisterWaiter(this);
  }
}

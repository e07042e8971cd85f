import type { RecordedEvent } from './event-store.port';

/**
 * Turns an event stored at `fromVersion` into the shape of `fromVersion + 1`.
 * Registered per event type; chained on read until the current version, so that
 * code above the store only ever sees current shapes while stored events stay untouched.
 */
export interface Upcaster {
  eventType: string;
  fromVersion: number;
  upcast(data: any, event: RecordedEvent): { type?: string; data: unknown };
}

export class UpcasterChain {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: Upcaster[] = []) {
    for (const u of upcasters) {
      const key = `${u.eventType}@${u.fromVersion}`;
      if (this.byKey.has(key)) throw new Error(`Two upcasters for ${key}`);
      this.byKey.set(key, u);
    }
  }

  apply(event: RecordedEvent): RecordedEvent {
    if (this.byKey.size === 0) return event;
    let current = event;
    for (;;) {
      const version = current.metadata.schemaVersion ?? 1;
      const upcaster = this.byKey.get(`${current.type}@${version}`);
      if (!upcaster) return current;
      const next = upcaster.upcast(current.data, current);
      current = {
        ...current,
        type: next.type ?? current.type,
        data: next.data,
        metadata: { ...current.metadata, schemaVersion: version + 1 },
      };
    }
  }
}

import type { RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';

/**
 * A read model derived from the global log. `apply` runs inside the runtime's transaction,
 * together with the checkpoint update, so a batch takes effect exactly once.
 */
export interface Projection {
  /** Stable name: the checkpoint's key and the lock's identity. */
  readonly name: string;
  /** TypeORM entities of the projection's tables. */
  readonly entities: Function[];
  /** Empties the projection's tables before a replay from zero. */
  reset(tx: EntityManager): Promise<void>;
  apply(events: RecordedEvent[], tx: EntityManager): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');

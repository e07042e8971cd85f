import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import type { Upcaster } from './upcasting';

export interface EventStoreModuleOptions {
  kind: 'postgres' | 'eventstoredb';
  /** PostgreSQL URL, used by the postgres adapter. */
  databaseUrl: string;
  /** EventStoreDB/KurrentDB connection string, used by the eventstoredb adapter. */
  eventStoreUrl?: string;
  /** Read older event shapes as current ones (the domain's, wired in by the apps). */
  upcasters?: Upcaster[];
}

export function createEventStore(options: EventStoreModuleOptions): EventStore {
  if (options.kind === 'eventstoredb') {
    if (!options.eventStoreUrl) throw new Error('EVENTSTORE_URL is required when EVENT_STORE=eventstoredb');
    return new EventStoreDbEventStore({ connectionString: options.eventStoreUrl, upcasters: options.upcasters });
  }
  return new PostgresEventStore({ connectionString: options.databaseUrl, upcasters: options.upcasters });
}

class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the EVENT_STORE port with the adapter the configuration selects. */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, useFactory: () => createEventStore(options) }, EventStoreCloser],
      exports: [EVENT_STORE],
    };
  }
}

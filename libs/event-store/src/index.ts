export * from './event-store.port';
export * from './errors';
export * from './upcasting';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { EventStoreSchema1763900000000 } from './postgres/event-store.migration';
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
export * from './event-store.module';
export * from './unavailability';

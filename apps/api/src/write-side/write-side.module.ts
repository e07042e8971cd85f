import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CommandExecutor, IdempotencyStore } from '@suivi/commands';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** What every command handler shares: the executor over the event store, and idempotency keys. */
@Global()
@Module({
  providers: [
    { provide: CommandExecutor, inject: [EVENT_STORE], useFactory: (store: EventStore) => new CommandExecutor(store) },
    { provide: IdempotencyStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new IdempotencyStore(dataSource) },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [CommandExecutor, IdempotencyStore],
})
export class WriteSideModule {}

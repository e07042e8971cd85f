import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CommandExecutor, IdempotencyStore } from '@suivi/commands';
import type { AppConfig } from '@suivi/config';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PersonalDataProtection, PersonalKeys, resolveMasterKey } from '@suivi/personal-data';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * What every command handler shares: the executor over the event store (personal fields
 * encrypted on the way in, decrypted on the way out), and idempotency keys.
 */
@Global()
@Module({
  providers: [
    {
      provide: PersonalKeys,
      inject: [DataSource, ConfigService],
      useFactory: (dataSource: DataSource, config: ConfigService<AppConfig, true>) =>
        new PersonalKeys(
          dataSource,
          resolveMasterKey({
            PERSONAL_DATA_KEY: config.get('PERSONAL_DATA_KEY', { infer: true }),
            NODE_ENV: config.get('NODE_ENV', { infer: true }),
            DATA_DIR: config.get('DATA_DIR', { infer: true }),
          }),
        ),
    },
    { provide: PersonalDataProtection, inject: [PersonalKeys], useFactory: (keys: PersonalKeys) => new PersonalDataProtection(keys) },
    {
      provide: CommandExecutor,
      inject: [EVENT_STORE, PersonalDataProtection],
      useFactory: (store: EventStore, protection: PersonalDataProtection) => new CommandExecutor(store, protection),
    },
    { provide: IdempotencyStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new IdempotencyStore(dataSource) },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [CommandExecutor, IdempotencyStore, PersonalKeys, PersonalDataProtection],
})
export class WriteSideModule {}

import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@suivi/config';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { KnownAtStates } from '@suivi/projections';
import { ProjectionReader } from './projection-reader';

@Global()
@Module({
  providers: [
    ProjectionReader,
    {
      provide: KnownAtStates,
      inject: [EVENT_STORE, DataSource, ConfigService],
      useFactory: (store: EventStore, dataSource: DataSource, config: ConfigService<AppConfig, true>) =>
        new KnownAtStates(store, dataSource, { batchSize: config.get('PROJECTION_BATCH_SIZE', { infer: true }) }),
    },
  ],
  exports: [ProjectionReader, KnownAtStates],
})
export class ReadSideModule {}

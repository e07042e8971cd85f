import { UPCASTERS_DU_DOMAINE } from '@suivi/domain';
import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@suivi/config';
import { EventStoreModule } from '@suivi/event-store';
import { ProjectionsModule } from '@suivi/projections';
import { resolveMasterKey } from '@suivi/personal-data';

/** What admin commands need: the store and the read side, without running the projectors. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: CliModule,
      imports: [
        EventStoreModule.forRoot({ kind: config.EVENT_STORE, databaseUrl, eventStoreUrl: config.EVENTSTORE_URL , upcasters: UPCASTERS_DU_DOMAINE }),
        ProjectionsModule.forRoot({ databaseUrl, runProjectors: false, batchSize: config.PROJECTION_BATCH_SIZE, personalDataKey: resolveMasterKey(config) }),
      ],
    };
  }
}

import { UPCASTERS_DU_DOMAINE } from '@suivi/domain';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '@suivi/config';
import { EventStoreModule } from '@suivi/event-store';
import { ProjectionsModule } from '@suivi/projections';
import { resolveMasterKey } from '@suivi/personal-data';

/** The projection worker: no HTTP, only the runners (one active instance per projection across processes). */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        EventStoreModule.forRoot({ kind: config.EVENT_STORE, databaseUrl, eventStoreUrl: config.EVENTSTORE_URL , upcasters: UPCASTERS_DU_DOMAINE }),
        ProjectionsModule.forRoot({
          databaseUrl,
          runProjectors: true,
          batchSize: config.PROJECTION_BATCH_SIZE,
          only: config.PROJECTIONS,
          personalDataKey: resolveMasterKey(config),
        }),
      ],
    };
  }
}

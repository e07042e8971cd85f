import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '@suivi/config';
import { UPCASTERS_DU_DOMAINE } from '@suivi/domain';
import { EventStoreModule } from '@suivi/event-store';
import { ProjectionsModule } from '@suivi/projections';
import { resolveMasterKey } from '@suivi/personal-data';
import { AccesModule } from './acces/acces.module';
import { LimitesModule } from './defenses/limites.module';
import { AuthModule } from './auth/auth.module';
import { UtilisateursModule } from './utilisateurs/utilisateurs.module';
import { AuditJournalModule } from './audit/audit-journal.module';
import { AuditVerificationModule } from './audit/audit-verification.module';
import { BilansModule } from './bilans/bilans.module';
import { ExportsModule } from './exports/exports.module';
import { CalibrationsModule } from './calibrations/calibrations.module';
import { ConformiteModule } from './conformite/conformite.module';
import { CoordinationRegionaleModule } from './coordination-regionale/coordination-regionale.module';
import { IndicateursModule } from './indicateurs/indicateurs.module';
import { ObjectifsModule } from './objectifs/objectifs.module';
import { ReadSideModule } from './read-side/read-side.module';
import { DonneursOrdreModule } from './donneurs-ordre/donneurs-ordre.module';
import { EntreprisesModule } from './entreprises/entreprises.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { MarchesModule } from './marches/marches.module';
import { OperationsModule } from './operations/operations.module';
import { PlacementsModule } from './placements/placements.module';
import { SalariesModule } from './salaries/salaries.module';
import { WriteSideModule } from './write-side/write-side.module';

export interface ApiModuleOptions {
  config: AppConfig;
  /** The resolved PostgreSQL URL (external or embedded). */
  databaseUrl: string;
}

@Module({})
export class ApiModule {
  static forRoot({ config, databaseUrl }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...config })] }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            // A bearer token in a log line would let its reader act as the user until it expires.
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[masqué]' },
            // Health probes every few seconds would drown the useful lines.
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
          },
          // Named wildcard: path-to-regexp 8 (Express 5) no longer accepts a bare '*'.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot({
          kind: config.EVENT_STORE,
          databaseUrl,
          eventStoreUrl: config.EVENTSTORE_URL,
          upcasters: UPCASTERS_DU_DOMAINE,
        }),
        ProjectionsModule.forRoot({
          databaseUrl,
          runProjectors: config.PROJECTORS_IN_PROCESS,
          only: config.PROJECTIONS,
          batchSize: config.PROJECTION_BATCH_SIZE,
          personalDataKey: resolveMasterKey(config),
        }),
        WriteSideModule,
        AccesModule,
        LimitesModule,
        AuthModule,
        UtilisateursModule,
        AuditJournalModule,
        AuditVerificationModule,
        HealthModule,
        DonneursOrdreModule,
        OperationsModule,
        MarchesModule,
        EntreprisesModule,
        SalariesModule,
        PlacementsModule,
        ImportsModule,
        ObjectifsModule,
        CalibrationsModule,
        ReadSideModule,
        IndicateursModule,
        ConformiteModule,
        CoordinationRegionaleModule,
        BilansModule,
        ExportsModule,
      ],
    };
  }
}

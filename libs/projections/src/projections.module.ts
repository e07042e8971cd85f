import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PersonalDataProtection, PersonalKeys } from '@suivi/personal-data';
import { allProjections } from './all-projections';
import { PROJECTIONS, type Projection } from './runtime/projection';
import { ProjectionRunner } from './runtime/projection-runner';

export interface ProjectionsModuleOptions {
  databaseUrl: string;
  /** Run the projectors in this process (the api does by default; the projector app always does). */
  runProjectors: boolean;
  batchSize: number;
  /** Names of the projections to run here (PROJECTIONS); all when absent. */
  only?: string;
  /**
   * The master key of the personal data (`resolveMasterKey(config)`): the `annuaire` projection
   * decrypts names with each person's key. Without it, the annuaire's names are null.
   */
  personalDataKey?: Buffer;
}

const OPTIONS = Symbol('PROJECTIONS_OPTIONS');

/** Starts one runner per projection at bootstrap and stops them at a batch boundary on shutdown. */
@Injectable()
export class ProjectorsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projectors');
  private runners: ProjectionRunner[] = [];

  constructor(
    @Inject(OPTIONS) private readonly options: ProjectionsModuleOptions,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runProjectors) return;
    this.runners = selectProjections(this.projections, this.options.only).map(
      (p) =>
        new ProjectionRunner(p, this.store, this.dataSource, this.options.databaseUrl, {
          batchSize: this.options.batchSize,
          standbyRetryMs: 5_000,
          log: (message, fields, level) => {
            const entry = { ...fields, msg: message };
            if (level === 'error') this.logger.error(entry);
            else if (level === 'warn') this.logger.warn(entry);
            else if (level === 'debug') this.logger.debug(entry);
            else this.logger.log(entry);
          },
        }),
    );
    this.runners.forEach((r) => r.start());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}

/** The projections named in PROJECTIONS (comma-separated), or all; an unknown name stops the start. */
export function selectProjections(projections: Projection[], only: string | undefined): Projection[] {
  if (!only) return projections;
  const names = only.split(',');
  const unknown = names.filter((n) => !projections.some((p) => p.name === n));
  if (unknown.length > 0) {
    throw new Error(`PROJECTIONS names unknown projections: ${unknown.join(', ')} (known: ${projections.map((p) => p.name).join(', ')})`);
  }
  return projections.filter((p) => names.includes(p.name));
}

/** The read side: TypeORM over PostgreSQL, the projections, and (optionally) their runners. */
@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    const projections = allProjections();
    return {
      module: ProjectionsModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.databaseUrl,
          entities: projections.flatMap((p) => p.entities),
          synchronize: false,
          migrationsRun: false,
          // No JIT: the read models' queries run in milliseconds, but their estimated costs (CTEs misestimated by
          // orders of magnitude) cross jit_above_cost, and compiling then took 200-450 ms of a bilan's query (issue 18).
          extra: { application_name: 'suivi-clauses-read-side', options: '-c jit=off' },
        }),
      ],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: PROJECTIONS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource): Projection[] => {
            if (!options.personalDataKey) return projections;
            const protection = new PersonalDataProtection(new PersonalKeys(dataSource, options.personalDataKey));
            return allProjections({ reveal: (events) => protection.reveal(events) });
          },
        },
        ProjectorsService,
      ],
      exports: [PROJECTIONS, TypeOrmModule],
    };
  }
}

import { Inject, Logger } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, type Projection, projectionStatuses } from '@suivi/projections';

/** Stable words only: the driver's text (addresses, users, SQL) stays in the logs. */
export type EtatDependance = 'ok' | 'indisponible';

export interface ErreurProjection {
  /** Position of the event the projection cannot apply; it applied every event before. */
  position: number;
  /** Type of that event. */
  type: string;
  evenementId: string;
  message: string;
  /** First failure on this event (ISO 8601). */
  depuis: string;
  dernierEssai: string;
  essais: number;
}

export interface ProjectionPrete {
  name: string;
  statut: 'ok' | 'en_erreur';
  position: number;
  lag: number;
  running: boolean;
  erreur: ErreurProjection | null;
}

export interface Readiness {
  pret: boolean;
  baseDeDonnees: EtatDependance;
  magasinEvenements: EtatDependance;
  projections: ProjectionPrete[];
}

export class GetReadiness extends Query<Readiness> {}

/** A probe that hangs (a network black hole) must not hang the readiness answer. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Ready when PostgreSQL and the event store answer and no projection is stopped at an event
 * (`en_erreur`). Lag is reported, not judged: a projection catching up is still ready.
 */
@QueryHandler(GetReadiness)
export class GetReadinessHandler implements IQueryHandler<GetReadiness, Readiness> {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
  ) {}

  async execute(): Promise<Readiness> {
    let [baseDeDonnees, magasinEvenements] = await this.probes();
    let projections: ProjectionPrete[] = [];
    if (baseDeDonnees === 'ok' && magasinEvenements === 'ok') {
      try {
        projections = (await withTimeout(projectionStatuses(this.projections, this.store, this.dataSource))).map((s) => ({
          name: s.name,
          statut: s.error ? 'en_erreur' : 'ok',
          position: s.position,
          lag: s.lag,
          running: s.running,
          erreur: s.error && {
            position: s.error.position,
            type: s.error.eventType,
            evenementId: s.error.eventId,
            message: s.error.message,
            depuis: s.error.since.toISOString(),
            dernierEssai: s.error.lastAttemptAt.toISOString(),
            essais: s.error.attempts,
          },
        }));
      } catch (error) {
        // Something went down after the probes: ask them again to say which. If both still answer,
        // the checkpoints cannot be read (e.g. a schema not migrated): the database is not usable either.
        this.logger.debug(`readiness: projection statuses unavailable: ${error instanceof Error ? error.message : String(error)}`);
        [baseDeDonnees, magasinEvenements] = await this.probes();
        if (baseDeDonnees === 'ok' && magasinEvenements === 'ok') baseDeDonnees = 'indisponible';
      }
    }
    const pret = baseDeDonnees === 'ok' && magasinEvenements === 'ok' && projections.every((p) => p.statut === 'ok');
    return { pret, baseDeDonnees, magasinEvenements, projections };
  }

  private probes(): Promise<[EtatDependance, EtatDependance]> {
    return Promise.all([this.probe('database', () => this.dataSource.query('SELECT 1')), this.probe('event store', () => this.store.ping())]);
  }

  private async probe(what: string, check: () => Promise<unknown>): Promise<EtatDependance> {
    try {
      await withTimeout(check());
      return 'ok';
    } catch (error) {
      // Debug only: probes run every few seconds, and the runners already warn about the outage.
      this.logger.debug(`readiness: ${what} unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return 'indisponible';
    }
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  // The losing promise may still reject later: keep it from being an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

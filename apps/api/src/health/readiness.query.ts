import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, type Projection, projectionStatuses, type ProjectionStatus } from '@suivi/projections';

export interface Readiness {
  pret: boolean;
  baseDeDonnees: 'ok' | string;
  magasinEvenements: 'ok' | string;
  projections: Array<Pick<ProjectionStatus, 'name' | 'position' | 'lag' | 'running'>>;
}

export class GetReadiness extends Query<Readiness> {}

/** Ready when PostgreSQL and the event store answer; projection lag is reported, not judged. */
@QueryHandler(GetReadiness)
export class GetReadinessHandler implements IQueryHandler<GetReadiness, Readiness> {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
  ) {}

  async execute(): Promise<Readiness> {
    const [database, eventStore] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.store.ping()),
    ]);
    let projections: Readiness['projections'] = [];
    if (database === 'ok' && eventStore === 'ok') {
      projections = (await projectionStatuses(this.projections, this.store, this.dataSource)).map(
        ({ name, position, lag, running }) => ({ name, position, lag, running }),
      );
    }
    return { pret: database === 'ok' && eventStore === 'ok', baseDeDonnees: database, magasinEvenements: eventStore, projections };
  }
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { IdempotencyKeys1763900000003 } from '@suivi/commands';
import {
  EventChain1764300000000,
  EventStoreAppendFunction1764500000000,
  EventStoreAppendGroup1764500000001,
  EventStoreAppendMany1764700000000,
  EventStoreSchema1763900000000,
} from '@suivi/event-store';
import { PersonalDataKeys1764200000001 } from '@suivi/personal-data';
import {
  CoordinationRegionaleSchema1763900000005,
  IndicateursSchema1763900000004,
  MarchesSousSecteur1764000000020,
  HeuresMarcheMois1764600000000,
  ListeMarches1764600000001,
  PlacementsDates1764600000002,
  AgregatsIndicateurs1764600000003,
  ProjectionErrors1764000000001,
  ProjectionSchemas1764000000002,
  ProjectionsRuntimeSchema1763900000001,
  StreamTypeCountsSchema1763900000002,
  PeriodesSuivi1764000000011,
  SalariesTrancheAge1764200000020,
  TermesMarches1764000000010,
  UtilisateursSchema1764100000001,
  JournalAuditSchema1764200000010,
  AnnuaireSchema1764300000100,
} from '@suivi/projections';
import { RechercheSansAccents1764300000030 } from '@suivi/projections/indicateurs/recherche';
import { ImportsSchema1764400000000 } from '@suivi/imports/travaux/travaux.migration';

/** Every schema change, in order. TypeORM records the applied ones in `public.migrations`. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  EventStoreSchema1763900000000,
  ProjectionsRuntimeSchema1763900000001,
  StreamTypeCountsSchema1763900000002,
  IdempotencyKeys1763900000003,
  IndicateursSchema1763900000004,
  CoordinationRegionaleSchema1763900000005,
  ProjectionErrors1764000000001,
  ProjectionSchemas1764000000002,
  TermesMarches1764000000010,
  PeriodesSuivi1764000000011,
  MarchesSousSecteur1764000000020,
  UtilisateursSchema1764100000001,
  PersonalDataKeys1764200000001,
  JournalAuditSchema1764200000010,
  SalariesTrancheAge1764200000020,
  EventChain1764300000000,
  RechercheSansAccents1764300000030,
  AnnuaireSchema1764300000100,
  ImportsSchema1764400000000,
  EventStoreAppendFunction1764500000000,
  EventStoreAppendGroup1764500000001,
  HeuresMarcheMois1764600000000,
  ListeMarches1764600000001,
  PlacementsDates1764600000002,
  AgregatsIndicateurs1764600000003,
  EventStoreAppendMany1764700000000,
];

const MIGRATION_LOCK_KEY = 7_340_211_000;

/**
 * Applies pending migrations, each in its own transaction. An advisory lock makes
 * concurrent starters (api and projector booting together) wait instead of racing.
 */
export async function runMigrations(connectionString: string): Promise<string[]> {
  const lock = new Client({ connectionString });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const dataSource = new DataSource({
      type: 'postgres',
      url: connectionString,
      migrations: MIGRATIONS,
      migrationsTransactionMode: 'each',
      logging: false,
    });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { validateConfig } from '@suivi/config';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@suivi/event-store';
import { PROJECTIONS, projectionStatuses, rebuildProjection, type Projection } from '@suivi/projections';
import { CliModule } from '../apps/cli/src/cli.module';
import { load } from '../apps/cli/src/bench/scale/loader';
import { decidedLogFor, emptyWorld, generer, type Scale } from '../apps/cli/src/bench/scale/phases';
import { createMigratedTestDatabase, withClient } from './support/test-database';

/**
 * The scale bench's generator (issue 18) at a tiny fraction: every command it plans is accepted
 * by the real deciders, the same seed gives the same events, and the log it writes replays into
 * every projection without an error.
 */
const FRACTION = 0.001;
const SEED = 7;

/** Runs the generator to the end in memory: what it decided, and nothing kept. */
function generated(scale: Scale, seed: number, fraction = FRACTION) {
  const log = decidedLogFor(scale, seed);
  const world = emptyWorld();
  for (const phase of generer(scale, log, seed, fraction, world)) void phase;
  return { log, world };
}

describe('bench --scale : générateur', () => {
  it('national : même graine, mêmes comptes par type et mêmes premiers identifiants ; autre graine, autres identifiants', () => {
    const a = generated('national', SEED);
    const b = generated('national', SEED);
    const c = generated('national', SEED + 1);
    expect(a.log.refus).toEqual([]);
    expect(a.log.events).toBeGreaterThan(5_000);
    expect([...a.log.countsByType]).toEqual([...b.log.countsByType]);
    expect(a.log.firstEventIds).toEqual(b.log.firstEventIds);
    expect(a.log.firstEventIds).toHaveLength(20);
    expect(c.log.firstEventIds[0]).not.toEqual(a.log.firstEventIds[0]);
    // Ten years of every kind of fact the issue asks for.
    for (const type of ['DonneurOrdreEnregistre', 'OperationOuverte', 'MarcheEnregistre', 'MarcheAttribue', 'AvenantConclu', 'MarcheCloture', 'SalarieEnregistre', 'EligibiliteValidee', 'PlacementDemarre', 'HeuresDeclarees', 'HeuresCorrigees', 'PlacementTermine']) {
      expect(a.log.countsByType.get(type) ?? 0).toBeGreaterThan(0);
    }
    expect(a.world.annee).toBe(2025);
    expect(a.world.placementsOuverts.length).toBeGreaterThan(0);
  });

  it('small : exactement l’année de démonstration, acceptée en entier par les deciders', () => {
    const { log } = generated('small', 2023);
    expect(log.refus).toEqual([]);
    expect(log.countsByType.get('DonneurOrdreEnregistre')).toBe(33);
    expect(log.countsByType.get('SalarieEnregistre')).toBe(1239);
  });
});

describe('bench --scale : chargement et relecture', () => {
  let db: { url: string; drop(): Promise<void> };
  let writeStore: PostgresEventStore;
  let app: INestApplicationContext;
  let dataDir: string;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('benchscale');
    writeStore = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
    dataDir = mkdtempSync(join(tmpdir(), 'suivi-bench-scale-test-'));
    const config = validateConfig({ EVENT_STORE: 'postgres', DATA_DIR: dataDir, PERSONAL_DATA_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn' });
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error'] });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await writeStore?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('écrit chaque événement décidé par appendToStreams, puis chaque projection le relit sans erreur', async () => {
    const log = decidedLogFor('national', SEED);
    const world = emptyWorld();
    const run = await load(writeStore, generer('national', log, SEED, FRACTION, world), log, { batchStreams: 50, writers: 3, expectedEvents: 1 });
    expect(log.refus).toEqual([]);
    expect(run.events).toBe(log.events);

    const stored = await withClient(db.url, async (c) => {
      const { rows } = await c.query<{ type: string; n: string }>('SELECT type, count(*) AS n FROM event_store.events GROUP BY type');
      return new Map(rows.map((r) => [r.type, Number(r.n)]));
    });
    expect(new Map([...stored].sort())).toEqual(new Map([...log.countsByType].sort()));

    const store = app.get<EventStore>(EVENT_STORE);
    const projections = app.get<Projection[]>(PROJECTIONS);
    for (const projection of projections) {
      const result = await rebuildProjection(projection, store, app.get(DataSource), db.url, { batchSize: 500 });
      expect(result.events).toBe(log.events);
    }
    const statuses = await projectionStatuses(projections, store, app.get(DataSource));
    expect(statuses.filter((s) => s.error || s.lag !== 0)).toEqual([]);
  }, 90_000);
});

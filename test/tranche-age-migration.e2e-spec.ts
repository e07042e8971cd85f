import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MIGRATIONS, runMigrations } from '@suivi/database';
import { UPCASTERS_DU_DOMAINE, ageAu, jourDe, trancheAgeDe } from '@suivi/domain';
import { PostgresEventStore } from '@suivi/event-store';
import { ENTITES_INDICATEURS, IndicateursProjection, SalariesTrancheAge1764200000020, rebuildProjection } from '@suivi/projections';
import { createDatabase, withClient } from './support/test-database';

/**
 * Migration SalariesTrancheAge1764200000020 on a database that was in use: the people of the indicators had their
 * birth date, and get their age band at registration instead, the band a replay gives (the upcaster of version-1
 * events: whole years on the Paris day of the event's occurredAt); with an empty log (EventStoreDB), the band on
 * the day the migration runs. The birth date is gone afterwards.
 */

interface Personne {
  naissance: string;
  /** The event's occurredAt; null: no event in the log. */
  occurredAt: string | null;
  /** The band the event already carries (version 2). */
  trancheAge?: string;
  attendu?: string;
}


/** A database migrated up to the migration under test (excluded), as one deployed before it. */
async function baseAvantLaMigration(prefix: string) {
  const db = await createDatabase(process.env.TEST_DATABASE_URL!, prefix);
  const index = MIGRATIONS.indexOf(SalariesTrancheAge1764200000020);
  expect(index).toBeGreaterThan(0);
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, migrations: MIGRATIONS.slice(0, index), migrationsTransactionMode: 'each', logging: false }).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  return db;
}

/** What the previous version wrote: the event (version 1 unless it carries a band) and the read model's row with the birth date. */
async function ecrireAvant(url: string, personnes: Array<Personne & { id: string }>): Promise<void> {
  await withClient(url, async (c) => {
    let position = 0;
    for (const p of personnes) {
      await c.query(`INSERT INTO indicateurs.salaries (id, sexe, date_naissance, commune, quartier_qpv, niveau_formation) VALUES ($1, 'F', $2, 'Dijon', NULL, '3')`, [p.id, p.naissance]);
      if (p.occurredAt === null) continue;
      position++;
      const data = { salarieId: p.id, nom: 'Nom', prenom: 'Prénom', sexe: 'F', dateNaissance: p.naissance, adresse: null, commune: 'Dijon', quartierQpv: null, niveauFormation: '3', ...(p.trancheAge ? { trancheAge: p.trancheAge } : {}) };
      const metadata = { schemaVersion: p.trancheAge ? 2 : 1, occurredAt: p.occurredAt, userId: 'ancienne-version', correlationId: randomUUID(), causationId: null };
      await c.query(
        `INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata)
         VALUES ($1, $2, 'salarie', 0, $3, 'SalarieEnregistre', $4, $5)`,
        [position, `salarie-${p.id}`, randomUUID(), JSON.stringify(data), JSON.stringify(metadata)],
      );
    }
    // The projection had applied them all.
    await c.query(`INSERT INTO projections.checkpoints (name, position) VALUES ('indicateurs', $1) ON CONFLICT (name) DO UPDATE SET position = excluded.position`, [position]);
  });
}

const tranches = (url: string) =>
  withClient(url, async (c) => new Map<string, string>((await c.query(`SELECT id, tranche_age FROM indicateurs.salaries`)).rows.map((r: { id: string; tranche_age: string }) => [r.id, r.tranche_age])));

const colonnes = (url: string) =>
  withClient(url, async (c) =>
    Object.fromEntries(
      (await c.query(`SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'indicateurs' AND table_name = 'salaries'`)).rows.map(
        (r: { column_name: string; is_nullable: string }) => [r.column_name, r.is_nullable],
      ),
    ),
  );

describe('migration SalariesTrancheAge1764200000020: the age band at registration replaces the birth date', () => {
  it('with the PostgreSQL log: the band on the Paris day of each SalarieEnregistre, as the upcaster and a rebuild give it', async () => {
    const db = await baseAvantLaMigration('tranche_age_pg');
    try {
      const personnes: Record<string, Personne> = {
        // 2026-03-01 00:30 in Paris (still 28 February in UTC): 26 that day, 25 the UTC day.
        parisMinuit: { naissance: '2000-03-01', occurredAt: '2026-02-28T23:30:00.000Z', attendu: '26_49' },
        // 49 when registered, 50 since 2025-06-15: the band at registration, not today's.
        quaranteNeuf: { naissance: '1975-06-15', occurredAt: '2025-01-10T09:00:00.000Z', attendu: '26_49' },
        // 25 when registered, 26 since 2025-04-10.
        vingtCinq: { naissance: '1999-04-10', occurredAt: '2024-12-02T08:00:00.000Z', attendu: 'moins_26' },
        cinquanteCinq: { naissance: '1970-01-01', occurredAt: '2025-05-05T12:00:00.000Z', attendu: '50_plus' },
        // 50 on its very day.
        cinquante: { naissance: '1975-06-15', occurredAt: '2025-06-15T06:00:00.000Z', attendu: '50_plus' },
        // Born on 29 February: 26 on 1 March of a common year, not on 28 February.
        bissextile28: { naissance: '2000-02-29', occurredAt: '2026-02-28T10:00:00.000Z', attendu: 'moins_26' },
        bissextile1: { naissance: '2000-02-29', occurredAt: '2026-03-01T10:00:00.000Z', attendu: '26_49' },
      };
      const ecrites = Object.entries(personnes).map(([cle, p]) => ({ cle, id: randomUUID(), ...p }));
      // The expected bands are those of the domain's upcaster for these version-1 events.
      const [upcaster] = UPCASTERS_DU_DOMAINE;
      for (const p of ecrites) {
        const { data } = upcaster.upcast({ dateNaissance: p.naissance }, { metadata: { occurredAt: p.occurredAt! } });
        expect({ cle: p.cle, tranche: data.trancheAge }).toEqual({ cle: p.cle, tranche: p.attendu });
      }
      await ecrireAvant(db.url, ecrites);
      expect(await colonnes(db.url)).toHaveProperty('date_naissance');

      expect(await runMigrations(db.url)).toContain('SalariesTrancheAge1764200000020');

      const lues = await tranches(db.url);
      expect(Object.fromEntries(ecrites.map((p) => [p.cle, lues.get(p.id)]))).toEqual(Object.fromEntries(ecrites.map((p) => [p.cle, p.attendu])));
      const cols = await colonnes(db.url);
      expect(cols).not.toHaveProperty('date_naissance');
      expect(cols.tranche_age).toBe('NO');

      // A replay of the same log (through the upcaster) gives the same rows, in a table of the live one's shape.
      const store = new PostgresEventStore({ connectionString: db.url, upcasters: UPCASTERS_DU_DOMAINE });
      const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: ENTITES_INDICATEURS }).initialize();
      try {
        await rebuildProjection(new IndicateursProjection(), store, dataSource, db.url, { batchSize: 3, standbyRetryMs: 50, log: () => undefined });
        expect(await tranches(db.url)).toEqual(lues);
        expect(await colonnes(db.url)).toEqual(cols);
      } finally {
        await dataSource.destroy();
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('keeps the band an event already carries (version 2)', async () => {
    const db = await baseAvantLaMigration('tranche_age_v2');
    try {
      const id = randomUUID();
      // Its birth date would give 26_49 on that day: the recorded band wins, as a replay would read it.
      await ecrireAvant(db.url, [{ id, naissance: '1990-01-01', occurredAt: '2025-05-05T12:00:00.000Z', trancheAge: '50_plus' }]);
      await runMigrations(db.url);
      expect((await tranches(db.url)).get(id)).toBe('50_plus');
    } finally {
      await db.drop();
    }
  });

  it('with an empty log (EventStoreDB): the band on the day the migration runs', async () => {
    const db = await baseAvantLaMigration('tranche_age_esdb');
    try {
      const avant = jourDe(new Date());
      const ilYA = (annees: number, jours = 0) => {
        const d = new Date(Date.UTC(Number(avant.slice(0, 4)) - annees, Number(avant.slice(5, 7)) - 1, Number(avant.slice(8, 10)) + jours));
        return d.toISOString().slice(0, 10);
      };
      // 26 and 50 today; 25 until tomorrow; 49 until tomorrow.
      const naissances = [ilYA(26), ilYA(50), ilYA(26, 1), ilYA(50, 1), ilYA(70)];
      const ecrites = naissances.map((naissance) => ({ id: randomUUID(), naissance, occurredAt: null }));
      await ecrireAvant(db.url, ecrites);
      await runMigrations(db.url);
      const apres = jourDe(new Date());
      const lues = await tranches(db.url);
      // The migration ran on one of these days (the same one unless Paris midnight passed meanwhile).
      const attendues = (jour: string) => ecrites.map((p) => trancheAgeDe(ageAu(p.naissance, jour)));
      const obtenues = ecrites.map((p) => lues.get(p.id));
      expect([attendues(avant), attendues(apres)]).toContainEqual(obtenues);
      expect(attendues(avant)).toEqual(['26_49', '50_plus', 'moins_26', '26_49', '50_plus']);
      expect(await colonnes(db.url)).not.toHaveProperty('date_naissance');
    } finally {
      await db.drop();
    }
  });
});

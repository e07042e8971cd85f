import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The band of an age in whole years, as `trancheAgeDe` of the domain. */
const TRANCHE = (age: string) => `CASE WHEN ${age} < 26 THEN 'moins_26' WHEN ${age} < 50 THEN '26_49' ELSE '50_plus' END`;

/**
 * Whole years between two `YYYY-MM-DD` texts, as `ageAu` of the domain: the difference of the years, less one
 * when the day of the year of `jour` comes before the birthday (compared as `MM-DD` texts, so that someone
 * born on 29 February has their birthday on 1 March in other years, as in `ageAu`).
 */
const AGE = (naissance: string, jour: string) =>
  `(substr(${jour}, 1, 4)::int - substr(${naissance}, 1, 4)::int - CASE WHEN substr(${jour}, 6, 5) < substr(${naissance}, 6, 5) THEN 1 ELSE 0 END)`;

/**
 * The people of the indicators keep their age band at registration (`tranche_age`: moins_26, 26_49, 50_plus)
 * instead of their birth date, which is personal data: the read models keep only what the statistics need.
 *
 * The rows already there are filled as a replay would fill them: the band of the `SalarieEnregistre` event,
 * which a version-1 event gets from its upcaster (the age on the Paris day of its `occurredAt`). With the
 * PostgreSQL event store (`event_store.events`), from the birth date of the row and the Paris day of the
 * person's `SalarieEnregistre` event (its own `trancheAge` when it already has one). Without it (EventStoreDB:
 * the table is there, empty), from the birth date on the Paris day the migration runs;
 * `npm run cli -- projections:rebuild indicateurs` then gives the bands at registration.
 * A rebuild's shadow copies the live columns (`rebuild.ts`), so it gets the same shape.
 */
export class SalariesTrancheAge1764200000020 implements MigrationInterface {
  name = 'SalariesTrancheAge1764200000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indicateurs.salaries ADD COLUMN tranche_age text`);
    await q.query(`
      WITH enregistrements AS (
        SELECT DISTINCT ON (lower(e.data->>'salarieId'))
          lower(e.data->>'salarieId')::uuid AS id,
          e.data->>'trancheAge' AS tranche_age,
          to_char((e.metadata->>'occurredAt')::timestamptz AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS jour
        FROM event_store.events e
        WHERE e.stream_type = 'salarie' AND e.type = 'SalarieEnregistre'
        ORDER BY lower(e.data->>'salarieId'), e.position
      ),
      jours AS (
        SELECT s.id, s.date_naissance, r.tranche_age,
          coalesce(r.jour, to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD')) AS jour
        FROM indicateurs.salaries s LEFT JOIN enregistrements r ON r.id = s.id
      )
      UPDATE indicateurs.salaries s
      SET tranche_age = coalesce(j.tranche_age, ${TRANCHE(AGE('j.date_naissance', 'j.jour'))})
      FROM jours j WHERE j.id = s.id`);
    await q.query(`ALTER TABLE indicateurs.salaries ALTER COLUMN tranche_age SET NOT NULL`);
    await q.query(`ALTER TABLE indicateurs.salaries DROP COLUMN date_naissance`);
  }

  /**
   * The birth date comes back from the events that still carry it in clear (version 1); the others leave it
   * null until `projections:rebuild indicateurs` with the previous version.
   */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indicateurs.salaries ADD COLUMN date_naissance text`);
    await q.query(`
      UPDATE indicateurs.salaries s SET date_naissance = e.data->>'dateNaissance'
      FROM event_store.events e
      WHERE e.stream_type = 'salarie' AND e.type = 'SalarieEnregistre' AND lower(e.data->>'salarieId')::uuid = s.id`);
    await q.query(`ALTER TABLE indicateurs.salaries DROP COLUMN tranche_age`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The coordination's follow periods (issue 13): one row per `SuiviRegionalDemarre`, `du` the Paris day of its
 * `occurredAt`, `au` that of the `SuiviRegionalArrete` that ended it (null while followed). A marché counts for the
 * coordination in a period it was followed during, even if it stopped being followed later.
 *
 * Derived from the events already applied, as the projection writes them: with the PostgreSQL event store, from
 * the suivi events up to the coordination's checkpoint (the decider alternates them, so the next event of a
 * marché after a start is its stop); without it (EventStoreDB), the marchés followed now get one open period
 * from the beginning, and `npm run cli -- projections:rebuild coordination-regionale` rebuilds the exact history.
 */
export class PeriodesSuivi1764000000011 implements MigrationInterface {
  name = 'PeriodesSuivi1764000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coordination.periodes_suivi (
        position bigint PRIMARY KEY, marche_id uuid NOT NULL, du text NOT NULL, au text)`);
    await q.query(`CREATE INDEX ON coordination.periodes_suivi (marche_id)`);
    // The table exists under EVENT_STORE=eventstoredb too, empty: only events in it mean the log is here.
    const [{ store }] = await q.query(`SELECT EXISTS (SELECT 1 FROM event_store.events) AS store`);
    if (store) {
      await q.query(`
        WITH s AS (
          SELECT e.position, e.type, lower(e.data->>'marcheId')::uuid AS marche_id,
            to_char((e.metadata->>'occurredAt')::timestamptz AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS jour
          FROM event_store.events e
          WHERE e.type IN ('SuiviRegionalDemarre', 'SuiviRegionalArrete')
            AND e.position <= coalesce((SELECT position FROM projections.checkpoints WHERE name = 'coordination-regionale'), 0)),
        o AS (
          SELECT s.*, lead(s.type) OVER w AS type_suivant, lead(s.jour) OVER w AS jour_suivant
          FROM s WINDOW w AS (PARTITION BY s.marche_id ORDER BY s.position))
        INSERT INTO coordination.periodes_suivi (position, marche_id, du, au)
        SELECT o.position, o.marche_id, o.jour, CASE WHEN o.type_suivant = 'SuiviRegionalArrete' THEN o.jour_suivant END
        FROM o JOIN coordination.marches m ON m.id = o.marche_id WHERE o.type = 'SuiviRegionalDemarre'`);
    } else {
      await q.query(`
        INSERT INTO coordination.periodes_suivi (position, marche_id, du, au)
        SELECT -row_number() OVER (ORDER BY id), id, '0000-01-01', NULL FROM coordination.marches WHERE suivi`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE coordination.periodes_suivi`);
  }
}

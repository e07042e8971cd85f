import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history of each marché's terms (required hours, end of the period), in the indicateurs and coordination
 * read models, so that compliance at a past date uses the terms in force then (issue 13): one row for the terms
 * the marché was registered with, one per avenant, each with the Paris day of its event's `occurredAt`
 * (`depuis`) and its global position (the log order of two avenants of one day).
 *
 * Projections are derived from events, so the rows of the events already applied are derived from the same
 * events: with the PostgreSQL event store (`event_store.events`), from the events up to each projection's
 * checkpoint, exactly as the projection writes them (an avenant carries the terms it replaces, so the terms
 * after it are `coalesce(new, before)`). Without it (EventStoreDB), each marché gets its current terms as of
 * its registration; `npm run cli -- projections:rebuild` then rebuilds the exact history.
 */
export class TermesMarches1764000000010 implements MigrationInterface {
  name = 'TermesMarches1764000000010';

  async up(q: QueryRunner): Promise<void> {
    // The table exists under EVENT_STORE=eventstoredb too, empty: only events in it mean the log is here.
    const [{ store }] = await q.query(`SELECT EXISTS (SELECT 1 FROM event_store.events) AS store`);
    for (const [schema, projection] of [
      ['indicateurs', 'indicateurs'],
      ['coordination', 'coordination-regionale'],
    ]) {
      await q.query(`
        CREATE TABLE ${schema}.termes_marches (
          position bigint PRIMARY KEY, marche_id uuid NOT NULL, depuis text NOT NULL,
          heures_prevues_centiemes bigint NOT NULL, date_fin text NOT NULL)`);
      await q.query(`CREATE INDEX ON ${schema}.termes_marches (marche_id, position)`);
      if (store) {
        await q.query(
          `INSERT INTO ${schema}.termes_marches (position, marche_id, depuis, heures_prevues_centiemes, date_fin)
           SELECT e.position, lower(e.data->>'marcheId')::uuid,
             to_char((e.metadata->>'occurredAt')::timestamptz AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD'),
             round(coalesce(e.data->>'heuresPrevues', e.data->>'heuresPrevuesAvant')::numeric * 100)::bigint,
             coalesce(e.data->>'dateFin', e.data->>'dateFinAvant')
           FROM event_store.events e JOIN ${schema}.marches m ON m.id = lower(e.data->>'marcheId')::uuid
           WHERE e.type IN ('MarcheEnregistre', 'AvenantConclu')
             AND e.position <= coalesce((SELECT position FROM projections.checkpoints WHERE name = $1), 0)`,
          [projection],
        );
      } else {
        await q.query(
          `INSERT INTO ${schema}.termes_marches (position, marche_id, depuis, heures_prevues_centiemes, date_fin)
           SELECT -row_number() OVER (ORDER BY id), id, '0000-01-01', heures_prevues_centiemes, date_fin FROM ${schema}.marches`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE coordination.termes_marches`);
    await q.query(`DROP TABLE indicateurs.termes_marches`);
  }
}

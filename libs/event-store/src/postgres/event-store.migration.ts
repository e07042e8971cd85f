import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only event log. `position` is assigned under a global advisory lock
 * (see PostgresEventStore.appendToStream), so it is contiguous and commits in order.
 * A trigger refuses UPDATE, DELETE and TRUNCATE: corrections are new events.
 */
export class EventStoreSchema1763900000000 implements MigrationInterface {
  name = 'EventStoreSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await q.query(`
      CREATE TABLE event_store.events (
        position     bigint      PRIMARY KEY,
        stream_id    text        NOT NULL,
        stream_type  text        NOT NULL,
        revision     bigint      NOT NULL CHECK (revision >= 0),
        event_id     uuid        NOT NULL UNIQUE,
        type         text        NOT NULL,
        data         jsonb       NOT NULL,
        metadata     jsonb       NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_revision_unique UNIQUE (stream_id, revision)
      )`);
    await q.query(`CREATE INDEX events_stream_type_position ON event_store.events (stream_type, position)`);
    await q.query(`
      CREATE FUNCTION event_store.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_store.events is append-only (% refused)', TG_OP;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON event_store.events
      FOR EACH ROW EXECUTE FUNCTION event_store.refuse_change()`);
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON event_store.events
      FOR EACH STATEMENT EXECUTE FUNCTION event_store.refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA event_store CASCADE`);
  }
}

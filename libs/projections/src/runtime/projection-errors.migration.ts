import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event a projection is stopped at, stored with its checkpoint so that every process (api,
 * projector, CLI) sees it: NULL while the projection runs normally.
 */
export class ProjectionErrors1764000000001 implements MigrationInterface {
  name = 'ProjectionErrors1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE projections.checkpoints
        ADD COLUMN error_position   bigint,
        ADD COLUMN error_event_type text,
        ADD COLUMN error_event_id   text,
        ADD COLUMN error_message    text,
        ADD COLUMN error_since      timestamptz,
        ADD COLUMN error_attempt_at timestamptz,
        ADD COLUMN error_attempts   integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE projections.checkpoints
        DROP COLUMN error_position, DROP COLUMN error_event_type, DROP COLUMN error_event_id, DROP COLUMN error_message,
        DROP COLUMN error_since, DROP COLUMN error_attempt_at, DROP COLUMN error_attempts`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index of the log for the audit (who wrote what, when): the log itself is read by position
 * only, so filtering it by time or author needs this.
 */
export class JournalAuditSchema1764200000010 implements MigrationInterface {
  name = 'JournalAuditSchema1764200000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA journal_audit`);
    await q.query(`
      CREATE TABLE journal_audit.evenements (
        position       bigint      PRIMARY KEY,
        recorded_at    timestamptz NOT NULL,
        user_id        text        NOT NULL,
        stream_id      text        NOT NULL,
        type           text        NOT NULL,
        correlation_id text        NOT NULL
      )`);
    await q.query(`CREATE INDEX ON journal_audit.evenements (recorded_at, position)`);
    await q.query(`CREATE INDEX ON journal_audit.evenements (user_id, position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA journal_audit CASCADE`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Answers of requests sent with an Idempotency-Key, per caller. */
export class IdempotencyKeys1763900000003 implements MigrationInterface {
  name = 'IdempotencyKeys1763900000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS commands`);
    await q.query(`
      CREATE TABLE commands.idempotency_keys (
        user_id      text        NOT NULL,
        key          text        NOT NULL,
        request_hash text        NOT NULL,
        status_code  integer,
        response     json, -- json, not jsonb: keeps the answer's key order
        created_at   timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE commands.idempotency_keys`);
  }
}

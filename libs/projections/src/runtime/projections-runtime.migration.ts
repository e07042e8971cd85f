import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One checkpoint per projection: the global position its tables reflect. */
export class ProjectionsRuntimeSchema1763900000001 implements MigrationInterface {
  name = 'ProjectionsRuntimeSchema1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS projections`);
    await q.query(`
      CREATE TABLE projections.checkpoints (
        name        text        PRIMARY KEY,
        position    bigint      NOT NULL DEFAULT 0,
        generation  integer     NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projections.checkpoints`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

const INDICATEURS = ['donneurs_ordre', 'operations', 'marches', 'entreprises', 'salaries', 'eligibilites', 'placements', 'declarations', 'objectifs'];

/**
 * One schema per projection, holding only its tables, so that a rebuild can fill a copy of it
 * beside the live one and swap the two with a rename (see `rebuild.ts`): `indicateurs` and
 * `stream_type_counts` leave `projections`, which keeps only the runtime's checkpoints
 * (`coordination` already stood alone). `SET SCHEMA` moves rows, indexes and constraints as
 * they are: no replay is needed and the checkpoints stay valid.
 */
export class ProjectionSchemas1764000000002 implements MigrationInterface {
  name = 'ProjectionSchemas1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA indicateurs`);
    for (const table of INDICATEURS) await q.query(`ALTER TABLE projections.${table} SET SCHEMA indicateurs`);
    await q.query(`CREATE SCHEMA stream_type_counts`);
    await q.query(`ALTER TABLE projections.stream_type_counts SET SCHEMA stream_type_counts`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stream_type_counts.stream_type_counts SET SCHEMA projections`);
    await q.query(`DROP SCHEMA stream_type_counts`);
    for (const table of INDICATEURS) await q.query(`ALTER TABLE indicateurs.${table} SET SCHEMA projections`);
    await q.query(`DROP SCHEMA indicateurs`);
  }
}

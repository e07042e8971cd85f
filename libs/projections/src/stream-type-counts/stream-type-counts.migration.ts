import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StreamTypeCountsSchema1763900000002 implements MigrationInterface {
  name = 'StreamTypeCountsSchema1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projections.stream_type_counts (
        stream_type   text   PRIMARY KEY,
        events        bigint NOT NULL,
        last_position bigint NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projections.stream_type_counts`);
  }
}

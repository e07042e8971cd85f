import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Placements started or ended in a period (hires, contracts, exits of /indicateurs and /bilans) are found by
 * their dates instead of reading every placement of the country, and the list of placements (by start date,
 * then id) reads its page from the index (issue 18). Unnamed: a rebuild's copy (LIKE … INCLUDING ALL) and its
 * indexes built after the replay get the same default names.
 */
export class PlacementsDates1764600000002 implements MigrationInterface {
  name = 'PlacementsDates1764600000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ON indicateurs.placements (date_debut, id)`);
    await q.query(`CREATE INDEX ON indicateurs.placements (date_fin)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX indicateurs.placements_date_fin_idx`);
    await q.query(`DROP INDEX indicateurs.placements_date_debut_id_idx`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the marchés list needs to sort and page in the database at national scale (issue 18):
 * - the default order (number, then id, byte order as the sort in TypeScript had it) as an index: the database
 *   reads the first page's marchés in order and judges those alone;
 * - each marché's realised hours as they stand today (`centiemes_realises`: every month declared, up to the
 *   closing month once closed), kept by the projection: at today's date the sort keys and statuses of all
 *   marchés are arithmetic on their own row. Filled from `heures_marche_mois`, which the same events wrote.
 * A rebuild's shadow copies the live columns and indexes (`rebuild.ts`).
 */
export class ListeMarches1764600000001 implements MigrationInterface {
  name = 'ListeMarches1764600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX marches_numero_id_idx ON indicateurs.marches ((numero COLLATE "C"), id)`);
    await q.query(`ALTER TABLE indicateurs.marches ADD COLUMN centiemes_realises bigint NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE indicateurs.marches m SET centiemes_realises = h.centiemes
      FROM (SELECT h.marche_id, sum(h.centiemes) AS centiemes FROM indicateurs.heures_marche_mois h
            JOIN indicateurs.marches m ON m.id = h.marche_id
            WHERE m.date_cloture IS NULL OR h.mois <= left(m.date_cloture, 7) GROUP BY h.marche_id) h
      WHERE h.marche_id = m.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indicateurs.marches DROP COLUMN centiemes_realises`);
    await q.query(`DROP INDEX indicateurs.marches_numero_id_idx`);
  }
}

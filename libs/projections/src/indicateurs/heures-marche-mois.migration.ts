import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each marché's hours by month (after corrections), kept by the indicateurs projection as it applies
 * declarations and corrections: compliance, the marchés list and the bilan read a few rows per marché instead
 * of grouping every declaration of the country (issue 18). The rows of the events already applied are the
 * sums of the `declarations` rows those same events wrote, so the live tables equal a rebuild.
 */
export class HeuresMarcheMois1764600000000 implements MigrationInterface {
  name = 'HeuresMarcheMois1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE indicateurs.heures_marche_mois (
        marche_id uuid NOT NULL, mois text NOT NULL, centiemes bigint NOT NULL, PRIMARY KEY (marche_id, mois))`);
    await q.query(`
      INSERT INTO indicateurs.heures_marche_mois (marche_id, mois, centiemes)
      SELECT marche_id, mois, sum(centiemes) FROM indicateurs.declarations GROUP BY marche_id, mois`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE indicateurs.heures_marche_mois`);
  }
}

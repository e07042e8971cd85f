import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each salarié's own key, outside the log (wrapped by the master key). Erasure destroys it and
 * keeps a tombstone, so that an erased identity is told apart from a key that never existed.
 */
export class PersonalDataKeys1764200000001 implements MigrationInterface {
  name = 'PersonalDataKeys1764200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA donnees_personnelles`);
    await q.query(`
      CREATE TABLE donnees_personnelles.cles (
        salarie_id   uuid        PRIMARY KEY,
        cle_chiffree bytea,
        creee_le     timestamptz NOT NULL DEFAULT now(),
        detruite_le  timestamptz,
        CHECK ((cle_chiffree IS NULL) = (detruite_le IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA donnees_personnelles CASCADE`);
  }
}

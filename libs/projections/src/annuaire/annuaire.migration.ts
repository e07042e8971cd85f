import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The salariés' directory: the one read model that holds decrypted names, for the search of
 * `GET /salaries?q=`. Filled by the `annuaire` projection from the log, decrypting with each
 * person's key; an erasure empties the row, and a rebuild after it finds the key destroyed.
 */
export class AnnuaireSchema1764300000100 implements MigrationInterface {
  name = 'AnnuaireSchema1764300000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA annuaire`);
    await q.query(`
      CREATE TABLE annuaire.salaries (
        id          uuid    PRIMARY KEY,
        nom         text,
        prenom      text,
        recherche   text,
        sexe        text    NOT NULL,
        tranche_age text,
        commune     text    NOT NULL,
        efface      boolean NOT NULL,
        position    bigint  NOT NULL
      )`);
    // Unnamed: a rebuild's copy (LIKE … INCLUDING ALL) gets the same default names.
    await q.query(`CREATE INDEX ON annuaire.salaries ((recherche COLLATE "C"), id)`);
    await q.query(`CREATE INDEX ON annuaire.salaries (commune, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA annuaire CASCADE`);
  }
}

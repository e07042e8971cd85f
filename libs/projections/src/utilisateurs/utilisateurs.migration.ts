import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The users' directory read model: lists for admins and the CLI (sign-in reads the users' streams). */
export class UtilisateursSchema1764100000001 implements MigrationInterface {
  name = 'UtilisateursSchema1764100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA utilisateurs`);
    await q.query(`
      CREATE TABLE utilisateurs.utilisateurs (
        id               uuid        PRIMARY KEY,
        identifiant      text        NOT NULL UNIQUE,
        role             text        NOT NULL,
        donneur_ordre_id uuid,
        actif            boolean     NOT NULL,
        cree_le          timestamptz NOT NULL,
        cree_par         text        NOT NULL,
        modifie_le       timestamptz NOT NULL,
        modifie_par      text        NOT NULL,
        revision         integer     NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA utilisateurs CASCADE`);
  }
}

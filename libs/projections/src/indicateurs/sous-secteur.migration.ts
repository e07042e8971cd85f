import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marchés of the indicators carry their sub-sector (issue 13: bâtiment / travaux publics, with `btp`).
 * Nullable, and null for every row already there: those rows come from events recorded before the field
 * existed, which a replay also reads as null, so the live tables equal a rebuild without replaying anything.
 * A rebuild's shadow copies the live columns (`rebuild.ts`), so it gets the column too.
 */
export class MarchesSousSecteur1764000000020 implements MigrationInterface {
  name = 'MarchesSousSecteur1764000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indicateurs.marches ADD COLUMN sous_secteur text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indicateurs.marches DROP COLUMN sous_secteur`);
  }
}

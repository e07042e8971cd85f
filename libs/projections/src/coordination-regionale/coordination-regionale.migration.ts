import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CoordinationRegionaleSchema1763900000005 implements MigrationInterface {
  name = 'CoordinationRegionaleSchema1763900000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS coordination`);
    await q.query(`CREATE TABLE coordination.donneurs_ordre (id uuid PRIMARY KEY, nom text NOT NULL)`);
    await q.query(`
      CREATE TABLE coordination.marches (
        id uuid PRIMARY KEY, donneur_ordre_id uuid NOT NULL, numero text NOT NULL, objet text NOT NULL, secteur text NOT NULL,
        heures_prevues_centiemes bigint NOT NULL, date_debut text NOT NULL, date_fin text NOT NULL, date_cloture text,
        suivi boolean NOT NULL)`);
    await q.query(`CREATE INDEX ON coordination.marches (suivi)`);
    await q.query(`CREATE TABLE coordination.heures (marche_id uuid NOT NULL, mois text NOT NULL, centiemes bigint NOT NULL, PRIMARY KEY (marche_id, mois))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA coordination CASCADE`);
  }
}

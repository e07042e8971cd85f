import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IndicateursSchema1763900000004 implements MigrationInterface {
  name = 'IndicateursSchema1763900000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projections.donneurs_ordre (id uuid PRIMARY KEY, nom text NOT NULL, type text NOT NULL, region text NOT NULL)`);
    await q.query(`CREATE TABLE projections.operations (id uuid PRIMARY KEY, donneur_ordre_id uuid NOT NULL, nom text NOT NULL, commune text NOT NULL)`);
    await q.query(`CREATE INDEX ON projections.operations (donneur_ordre_id)`);
    await q.query(`
      CREATE TABLE projections.marches (
        id uuid PRIMARY KEY, donneur_ordre_id uuid NOT NULL, operation_id uuid NOT NULL, numero text NOT NULL, objet text NOT NULL,
        secteur text NOT NULL, base_juridique text NOT NULL, heures_prevues_centiemes bigint NOT NULL,
        date_debut text NOT NULL, date_fin text NOT NULL, date_cloture text, suivi_regional boolean NOT NULL)`);
    await q.query(`CREATE INDEX ON projections.marches (donneur_ordre_id)`);
    await q.query(`CREATE INDEX ON projections.marches (operation_id)`);
    await q.query(`CREATE TABLE projections.entreprises (id uuid PRIMARY KEY, siret text NOT NULL, raison_sociale text NOT NULL, type text NOT NULL)`);
    await q.query(`
      CREATE TABLE projections.salaries (
        id uuid PRIMARY KEY, sexe text NOT NULL, date_naissance text NOT NULL, commune text NOT NULL,
        quartier_qpv text, niveau_formation text NOT NULL)`);
    await q.query(`CREATE TABLE projections.eligibilites (position bigint PRIMARY KEY, salarie_id uuid NOT NULL, criteres text[] NOT NULL, date_validation text NOT NULL)`);
    await q.query(`CREATE INDEX ON projections.eligibilites (salarie_id)`);
    await q.query(`
      CREATE TABLE projections.placements (
        id uuid PRIMARY KEY, salarie_id uuid NOT NULL, marche_id uuid NOT NULL, entreprise_id uuid NOT NULL,
        entreprise_utilisatrice_id uuid, modalite text NOT NULL, type_contrat text NOT NULL, date_debut text NOT NULL,
        date_fin text, sortie text, sortie_positive boolean, categorie_sortie text)`);
    await q.query(`CREATE INDEX ON projections.placements (salarie_id)`);
    await q.query(`CREATE INDEX ON projections.placements (marche_id)`);
    await q.query(`
      CREATE TABLE projections.declarations (
        id uuid PRIMARY KEY, placement_id uuid NOT NULL, salarie_id uuid NOT NULL, marche_id uuid NOT NULL,
        entreprise_id uuid NOT NULL, mois text NOT NULL, centiemes bigint NOT NULL, centiemes_declares bigint NOT NULL)`);
    await q.query(`CREATE INDEX ON projections.declarations (placement_id)`);
    await q.query(`CREATE INDEX ON projections.declarations (salarie_id)`);
    await q.query(`CREATE INDEX ON projections.declarations (marche_id, mois)`);
    await q.query(`CREATE INDEX ON projections.declarations (mois)`);
    await q.query(`CREATE TABLE projections.objectifs (annee int PRIMARY KEY, heures numeric NOT NULL, part_qpv_personnes numeric NOT NULL, personnes_en_emploi int NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['objectifs', 'declarations', 'placements', 'eligibilites', 'salaries', 'entreprises', 'marches', 'operations', 'donneurs_ordre']) {
      await q.query(`DROP TABLE projections.${t}`);
    }
  }
}

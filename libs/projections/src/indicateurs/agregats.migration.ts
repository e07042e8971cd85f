import type { MigrationInterface, QueryRunner } from 'typeorm';
import { cumulerAgregats } from './agregats';

/**
 * The sums behind a year's figures (agregats.ts, issue 18), kept by the indicateurs projection as it applies
 * declarations and corrections. On an upgraded database they are added up from the `declarations` rows the events
 * already applied wrote, by the very statements the projection runs, so the live tables equal a rebuild.
 * Keys are primary keys (default names): a rebuild's copy keeps them, as ON CONFLICT needs; indexes unnamed, so a
 * rebuild's, built after its replay, get the same names.
 */
export class AgregatsIndicateurs1764600000003 implements MigrationInterface {
  name = 'AgregatsIndicateurs1764600000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE indicateurs.heures_mois (
        mois text NOT NULL, donneur_ordre_id uuid NOT NULL, secteur text NOT NULL, modalite text NOT NULL, type_employeur text NOT NULL,
        centiemes bigint NOT NULL, PRIMARY KEY (mois, donneur_ordre_id, secteur, modalite, type_employeur))`);
    await q.query(`
      CREATE TABLE indicateurs.marches_annee (
        annee int NOT NULL, donneur_ordre_id uuid NOT NULL, marche_id uuid NOT NULL, operation_id uuid NOT NULL,
        centiemes bigint NOT NULL, PRIMARY KEY (annee, donneur_ordre_id, marche_id, operation_id))`);
    await q.query(`
      CREATE TABLE indicateurs.personnes_annee (
        annee int NOT NULL, donneur_ordre_id uuid NOT NULL, operation_id uuid NOT NULL, salarie_id uuid NOT NULL,
        centiemes bigint NOT NULL, PRIMARY KEY (annee, donneur_ordre_id, operation_id, salarie_id))`);
    await q.query(`
      CREATE TABLE indicateurs.entreprises_annee (
        annee int NOT NULL, donneur_ordre_id uuid NOT NULL, entreprise_id uuid NOT NULL, metier text NOT NULL,
        centiemes bigint NOT NULL, PRIMARY KEY (annee, donneur_ordre_id, entreprise_id, metier))`);
    // A placement's donneur d'ordre (its marché's; null if the read model has no such marché, which the join on
    // marchés of the general path leaves out too): a scope by donneur d'ordre reads its placements without that join.
    await q.query(`ALTER TABLE indicateurs.placements ADD COLUMN donneur_ordre_id uuid`);
    await q.query(`UPDATE indicateurs.placements p SET donneur_ordre_id = m.donneur_ordre_id FROM indicateurs.marches m WHERE m.id = p.marche_id`);
    await q.query(`CREATE INDEX ON indicateurs.placements (donneur_ordre_id, date_debut)`);
    await q.query(`CREATE INDEX ON indicateurs.placements (donneur_ordre_id, date_fin)`);
    await q.query(`
      WITH ${cumulerAgregats(`SELECT placement_id, salarie_id, marche_id, entreprise_id, mois, centiemes FROM indicateurs.declarations`, 'indicateurs')}
      SELECT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['entreprises_annee', 'personnes_annee', 'marches_annee', 'heures_mois']) await q.query(`DROP TABLE indicateurs.${table}`);
    await q.query(`ALTER TABLE indicateurs.placements DROP COLUMN donneur_ordre_id`);
  }
}

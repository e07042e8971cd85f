import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Timesheet imports as jobs: the job's state and counts, its rows once tied to a placement (only
 * ids, months and hours: no name is kept), and the errors found. Not part of the log: the log gets
 * the declarations and corrections themselves; a job is the working state that lets an import be
 * checked in full before anything is recorded, and be finished after a crash once it was decided.
 */
export class ImportsSchema1764400000000 implements MigrationInterface {
  name = 'ImportsSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA imports`);
    await q.query(`
      CREATE TABLE imports.travaux (
        id                 uuid        PRIMARY KEY,
        utilisateur_id     text        NOT NULL,
        nom_fichier        text        NOT NULL,
        empreinte          text        NOT NULL,
        simulation         boolean     NOT NULL,
        etat               text        NOT NULL,
        phase_lignes       integer     NOT NULL DEFAULT 0,
        format             text,
        encodage           text,
        colonnes_ignorees  text[]      NOT NULL DEFAULT '{}',
        lignes             integer     NOT NULL DEFAULT 0,
        lignes_rattachees  integer     NOT NULL DEFAULT 0,
        declarations       integer     NOT NULL DEFAULT 0,
        corrections        integer     NOT NULL DEFAULT 0,
        inchangees         integer     NOT NULL DEFAULT 0,
        erreurs_total      integer     NOT NULL DEFAULT 0,
        probleme           jsonb,
        position           bigint,
        cree_le            timestamptz NOT NULL DEFAULT now(),
        termine_le         timestamptz
      )`);
    await q.query(`CREATE INDEX ON imports.travaux (cree_le DESC)`);
    await q.query(`CREATE INDEX ON imports.travaux (etat) WHERE termine_le IS NULL`);
    await q.query(`
      CREATE TABLE imports.lignes (
        travail_id    uuid          NOT NULL REFERENCES imports.travaux (id) ON DELETE CASCADE,
        ligne         integer       NOT NULL,
        salarie_id    uuid          NOT NULL,
        placement_id  uuid          NOT NULL,
        mois          text          NOT NULL,
        heures        numeric(8, 2) NOT NULL,
        PRIMARY KEY (travail_id, ligne)
      )`);
    await q.query(`CREATE INDEX ON imports.lignes (travail_id, salarie_id, ligne)`);
    await q.query(`
      CREATE TABLE imports.erreurs (
        travail_id  uuid    NOT NULL REFERENCES imports.travaux (id) ON DELETE CASCADE,
        ligne       integer NOT NULL,
        colonne     text,
        code        text    NOT NULL,
        message     text    NOT NULL
      )`);
    await q.query(`CREATE INDEX ON imports.erreurs (travail_id, ligne)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA imports CASCADE`);
  }
}

import type { DataSource } from 'typeorm';
import type { ErreurLigne } from '../lecture/ligne-heures';

/** Where a job is: reading and tying rows, checking them, recording them, or finished. */
export type EtatImport = 'lecture' | 'verification' | 'enregistrement' | 'simule' | 'enregistre' | 'enregistre_partiellement' | 'refuse' | 'interrompu';

export const ETATS_EN_COURS: readonly EtatImport[] = ['lecture', 'verification', 'enregistrement'];

/** A row tied to its placement, as staged between the reading and the recording. */
export interface LigneRattachee {
  ligne: number;
  salarieId: string;
  placementId: string;
  mois: string;
  heures: number;
}

export interface Compteurs {
  declarations: number;
  corrections: number;
  inchangees: number;
}

export interface ProblemeFichier {
  code: string;
  message: string;
  details?: unknown;
}

export interface Travail {
  id: string;
  utilisateurId: string;
  nomFichier: string;
  empreinte: string;
  simulation: boolean;
  etat: EtatImport;
  /** Rows done in the current phase (progress). */
  phaseLignes: number;
  format: string | null;
  encodage: string | null;
  colonnesIgnorees: string[];
  lignes: number;
  /** Rows read without error and tied to a placement: what the checks and the recording go through. */
  lignesRattachees: number;
  compteurs: Compteurs;
  erreursTotal: number;
  probleme: ProblemeFichier | null;
  position: number | null;
  creeLe: string;
  termineLe: string | null;
}

/** The jobs' tables (`imports` schema): plain SQL, every write a single statement. */
export class TravauxImport {
  constructor(private readonly db: DataSource) {}

  async creer(travail: { id: string; utilisateurId: string; nomFichier: string; empreinte: string; simulation: boolean }): Promise<void> {
    await this.db.query(
      `INSERT INTO imports.travaux (id, utilisateur_id, nom_fichier, empreinte, simulation, etat) VALUES ($1, $2, $3, $4, $5, 'lecture')`,
      [travail.id, travail.utilisateurId, travail.nomFichier, travail.empreinte, travail.simulation],
    );
  }

  async lire(id: string): Promise<Travail | null> {
    const [row] = await this.db.query(`SELECT * FROM imports.travaux WHERE id = $1`, [id]);
    return row ? versTravail(row) : null;
  }

  /** The most recent jobs first. */
  async lister(limite: number, decalage: number): Promise<{ travaux: Travail[]; total: number }> {
    const rows = await this.db.query(`SELECT *, count(*) OVER () AS total FROM imports.travaux ORDER BY cree_le DESC, id LIMIT $1 OFFSET $2`, [limite, decalage]);
    const total = rows.length > 0 ? Number(rows[0].total) : Number((await this.db.query(`SELECT count(*) AS n FROM imports.travaux`))[0].n);
    return { travaux: rows.map(versTravail), total };
  }

  async enCours(): Promise<Array<{ id: string; etat: EtatImport }>> {
    return this.db.query(`SELECT id, etat FROM imports.travaux WHERE termine_le IS NULL AND etat = ANY($1)`, [ETATS_EN_COURS]);
  }

  async decrireFichier(id: string, fichier: { format: string; encodage: string | null; colonnesIgnorees: string[] }): Promise<void> {
    await this.db.query(`UPDATE imports.travaux SET format = $2, encodage = $3, colonnes_ignorees = $4 WHERE id = $1`, [
      id,
      fichier.format,
      fichier.encodage,
      fichier.colonnesIgnorees,
    ]);
  }

  async passerA(id: string, etat: EtatImport): Promise<void> {
    await this.db.query(`UPDATE imports.travaux SET etat = $2, phase_lignes = 0 WHERE id = $1`, [id, etat]);
  }

  async avancer(id: string, phaseLignes: number, lu?: { lignes: number; lignesRattachees: number }): Promise<void> {
    await this.db.query(
      `UPDATE imports.travaux SET phase_lignes = $2, lignes = coalesce($3, lignes), lignes_rattachees = coalesce($4, lignes_rattachees) WHERE id = $1`,
      [id, phaseLignes, lu?.lignes ?? null, lu?.lignesRattachees ?? null],
    );
  }

  async terminer(
    id: string,
    fin: { etat: EtatImport; compteurs?: Compteurs; probleme?: ProblemeFichier | null; position?: number | null },
  ): Promise<void> {
    await this.db.query(
      `UPDATE imports.travaux
          SET etat = $2, termine_le = now(),
              declarations = coalesce($3, declarations), corrections = coalesce($4, corrections), inchangees = coalesce($5, inchangees),
              probleme = coalesce($6, probleme), position = coalesce($7, position),
              erreurs_total = (SELECT count(*) FROM imports.erreurs WHERE travail_id = $1)
        WHERE id = $1`,
      [
        id,
        fin.etat,
        fin.compteurs?.declarations ?? null,
        fin.compteurs?.corrections ?? null,
        fin.compteurs?.inchangees ?? null,
        fin.probleme ? JSON.stringify(fin.probleme) : null,
        fin.position ?? null,
      ],
    );
    // The staged rows served the checks and the recording; the log now holds what they said.
    await this.db.query(`DELETE FROM imports.lignes WHERE travail_id = $1`, [id]);
  }

  async ajouterLignes(id: string, lignes: LigneRattachee[]): Promise<void> {
    if (lignes.length === 0) return;
    await this.db.query(
      `INSERT INTO imports.lignes (travail_id, ligne, salarie_id, placement_id, mois, heures)
       SELECT $1, * FROM unnest($2::int[], $3::uuid[], $4::uuid[], $5::text[], $6::numeric[])`,
      [id, lignes.map((l) => l.ligne), lignes.map((l) => l.salarieId), lignes.map((l) => l.placementId), lignes.map((l) => l.mois), lignes.map((l) => l.heures)],
    );
  }

  async ajouterErreurs(id: string, erreurs: ErreurLigne[]): Promise<void> {
    if (erreurs.length === 0) return;
    await this.db.query(
      `INSERT INTO imports.erreurs (travail_id, ligne, colonne, code, message)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
      [id, erreurs.map((e) => e.ligne), erreurs.map((e) => e.colonne), erreurs.map((e) => e.code), erreurs.map((e) => e.message)],
    );
  }

  async nombreErreurs(id: string): Promise<number> {
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM imports.erreurs WHERE travail_id = $1`, [id]);
    return Number(n);
  }

  /** Errors in the file's order, a page at a time. */
  async erreurs(id: string, limite: number, decalage = 0): Promise<ErreurLigne[]> {
    const rows: Array<{ ligne: number; colonne: string | null; code: string; message: string }> = await this.db.query(
      `SELECT ligne, colonne, code, message FROM imports.erreurs WHERE travail_id = $1 ORDER BY ligne, colonne NULLS FIRST, code LIMIT $2 OFFSET $3`,
      [id, limite, decalage],
    );
    return rows.map((r) => ({ ligne: r.ligne, colonne: r.colonne as ErreurLigne['colonne'], code: r.code, message: r.message }));
  }

  /**
   * The staged rows, one person at a time (a person's rows together, in the file's order), a page
   * of people per call: memory holds one page, whatever the file's size.
   */
  async *parPersonne(id: string, personnesParPage = 200): AsyncGenerator<LigneRattachee[][]> {
    let apres = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const ids: Array<{ salarie_id: string }> = await this.db.query(
        `SELECT DISTINCT salarie_id FROM imports.lignes WHERE travail_id = $1 AND salarie_id > $2 ORDER BY salarie_id LIMIT $3`,
        [id, apres, personnesParPage],
      );
      if (ids.length === 0) return;
      apres = ids[ids.length - 1].salarie_id;
      const rows: Array<{ ligne: number; salarie_id: string; placement_id: string; mois: string; heures: string }> = await this.db.query(
        `SELECT ligne, salarie_id, placement_id, mois, heures FROM imports.lignes
          WHERE travail_id = $1 AND salarie_id = ANY($2::uuid[]) ORDER BY salarie_id, ligne`,
        [id, ids.map((r) => r.salarie_id)],
      );
      const groupes = new Map<string, LigneRattachee[]>();
      for (const r of rows) {
        const ligne = { ligne: r.ligne, salarieId: r.salarie_id, placementId: r.placement_id, mois: r.mois, heures: Number(r.heures) };
        const groupe = groupes.get(r.salarie_id);
        if (groupe) groupe.push(ligne);
        else groupes.set(r.salarie_id, [ligne]);
      }
      yield [...groupes.values()];
    }
  }
}

function versTravail(row: Record<string, any>): Travail {
  return {
    id: row.id,
    utilisateurId: row.utilisateur_id,
    nomFichier: row.nom_fichier,
    empreinte: row.empreinte,
    simulation: row.simulation,
    etat: row.etat,
    phaseLignes: row.phase_lignes,
    format: row.format,
    encodage: row.encodage,
    colonnesIgnorees: row.colonnes_ignorees ?? [],
    lignes: row.lignes,
    lignesRattachees: row.lignes_rattachees,
    compteurs: { declarations: row.declarations, corrections: row.corrections, inchangees: row.inchangees },
    erreursTotal: row.erreurs_total,
    probleme: row.probleme,
    position: row.position === null ? null : Number(row.position),
    creeLe: new Date(row.cree_le).toISOString(),
    termineLe: row.termine_le ? new Date(row.termine_le).toISOString() : null,
  };
}

import { Injectable, NotFoundException } from '@nestjs/common';
import { ProjectionReader } from '../read-side/projection-reader';
import type { ListeUtilisateursDto, ListeUtilisateursVue, UtilisateurVue } from './utilisateurs.dto';

const PROJECTION = 'utilisateurs';

interface Ligne {
  id: string;
  identifiant: string;
  role: UtilisateurVue['role'];
  donneur_ordre_id: string | null;
  actif: boolean;
  cree_le: Date;
  cree_par: string;
  modifie_le: Date;
  modifie_par: string;
  revision: number;
  total?: string;
}

const vue = (l: Ligne): UtilisateurVue => ({
  id: l.id,
  identifiant: l.identifiant,
  role: l.role,
  donneurOrdreId: l.donneur_ordre_id,
  actif: l.actif,
  creeLe: l.cree_le.toISOString(),
  creePar: l.cree_par,
  modifieLe: l.modifie_le.toISOString(),
  modifiePar: l.modifie_par,
  revision: l.revision,
});

/** The users' directory read model (never the password hashes: they stay in the users' streams). */
@Injectable()
export class UtilisateursLus {
  constructor(private readonly reader: ProjectionReader) {}

  async lister(dto: ListeUtilisateursDto): Promise<ListeUtilisateursVue> {
    const fraicheur = await this.reader.prepare(PROJECTION, dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const lignes: Ligne[] = await this.reader.dataSource.query(
      `SELECT *, count(*) OVER () AS total FROM utilisateurs.utilisateurs
        WHERE ($1::text IS NULL OR role = $1) AND ($2::boolean IS NULL OR actif = $2)
        ORDER BY identifiant LIMIT $3 OFFSET $4`,
      [dto.role ?? null, dto.actif === undefined ? null : dto.actif === 'true', taillePage, (page - 1) * taillePage],
    );
    const total = lignes.length > 0 ? Number(lignes[0].total) : await this.compter(dto);
    return { items: lignes.map(vue), total, page, taillePage, fraicheur };
  }

  async lire(id: string, apres: number | undefined): Promise<UtilisateurVue & { fraicheur: unknown }> {
    const fraicheur = await this.reader.prepare(PROJECTION, apres);
    const [ligne]: Ligne[] = await this.reader.dataSource.query(`SELECT * FROM utilisateurs.utilisateurs WHERE id = $1`, [id]);
    if (!ligne) throw new NotFoundException({ code: 'UTILISATEUR_INTROUVABLE', message: "Aucun utilisateur n'a cet identifiant : vérifiez l'id (GET /api/utilisateurs les liste)." });
    return { ...vue(ligne), fraicheur };
  }

  /** A page past the end has no row to carry the total. */
  private async compter(dto: ListeUtilisateursDto): Promise<number> {
    const [{ n }] = await this.reader.dataSource.query(
      `SELECT count(*) AS n FROM utilisateurs.utilisateurs WHERE ($1::text IS NULL OR role = $1) AND ($2::boolean IS NULL OR actif = $2)`,
      [dto.role ?? null, dto.actif === undefined ? null : dto.actif === 'true'],
    );
    return Number(n);
  }
}

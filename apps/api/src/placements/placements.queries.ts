import { Injectable } from '@nestjs/common';
import type { Portee } from '../acces/portee';
import type { Fraicheur } from '../read-side/freshness';
import { ProjectionReader } from '../read-side/projection-reader';
import type { ListePlacementsDto, ListePlacementsVue, ManquantesDto, ManquantesVue, PlacementListeVue } from './placements.dto';

/** The least fresh of several projections: a list read from both is as fresh as the one behind. */
export async function fraicheurCommune(reader: ProjectionReader, projections: string[], apres: number | undefined): Promise<Fraicheur> {
  const toutes = await Promise.all(projections.map((p) => reader.prepare(p, apres)));
  return toutes.reduce((a, b) => (b.position < a.position ? b : a));
}

interface LignePlacement {
  id: string;
  salarie_id: string;
  marche_id: string;
  entreprise_id: string;
  modalite: string;
  type_contrat: string;
  date_debut: string;
  date_fin: string | null;
  centiemes: string | null;
}

const placement = (l: LignePlacement): PlacementListeVue => ({
  id: l.id,
  salarieId: l.salarie_id,
  marcheId: l.marche_id,
  entrepriseId: l.entreprise_id,
  modalite: l.modalite,
  typeContrat: l.type_contrat,
  dateDebut: l.date_debut,
  dateFin: l.date_fin,
  enCours: l.date_fin === null,
  heuresTotales: Number(l.centiemes ?? 0) / 100,
});

/** Last day of a month `AAAA-MM`, as `AAAA-MM-JJ`. */
function dernierJour(mois: string): string {
  const [annee, m] = mois.split('-').map(Number);
  const jour = new Date(Date.UTC(annee, m, 0)).getUTCDate();
  return `${mois}-${String(jour).padStart(2, '0')}`;
}

/**
 * Placements read from the indicators' read model (no identity in it), and the facilitatrice's
 * to-do list of a month. The caller's scope narrows every query (an acheteur's donneur d'ordre,
 * should the policy ever let one read people), identities come from the annuaire for those who see them.
 */
@Injectable()
export class PlacementsLus {
  constructor(private readonly reader: ProjectionReader) {}

  async lister(dto: ListePlacementsDto, portee: Portee): Promise<ListePlacementsVue> {
    const fraicheur = await this.reader.prepare('indicateurs', dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const enCours = dto.enCours === undefined ? null : dto.enCours === 'true';
    // The page is chosen by the index on (date_debut, id), then only its rows get their hours; the total is counted apart.
    const filtres = `($1::uuid IS NULL OR p.marche_id = $1)
          AND ($2::uuid IS NULL OR p.salarie_id = $2)
          AND ($3::uuid IS NULL OR p.entreprise_id = $3)
          AND ($4::boolean IS NULL OR (p.date_fin IS NULL) = $4)
          AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM indicateurs.marches m WHERE m.id = p.marche_id AND m.donneur_ordre_id = $5))`;
    const parametres = [dto.marcheId ?? null, dto.salarieId ?? null, dto.entrepriseId ?? null, enCours, portee.donneurOrdreId];
    const lignes: LignePlacement[] = await this.reader.dataSource.query(
      `WITH page AS (
         SELECT p.id, p.salarie_id, p.marche_id, p.entreprise_id, p.modalite, p.type_contrat, p.date_debut, p.date_fin
         FROM indicateurs.placements p WHERE ${filtres} ORDER BY p.date_debut, p.id LIMIT $6 OFFSET $7)
       SELECT page.*, (SELECT sum(d.centiemes) FROM indicateurs.declarations d WHERE d.placement_id = page.id) AS centiemes
       FROM page ORDER BY page.date_debut, page.id`,
      [...parametres, taillePage, (page - 1) * taillePage],
    );
    const [{ n: total }] = await this.reader.dataSource.query(`SELECT count(*)::int AS n FROM indicateurs.placements p WHERE ${filtres}`, parametres);
    return { items: lignes.map(placement), total, page, taillePage, fraicheur };
  }

  /**
   * The month's missing declarations: placements running during the month (started by its last day,
   * not ended before its first) without a declaration for it, by marché number then start date. Only
   * months the rules still take: within the marché's period (after avenants), the marché not closed;
   * anything else could never be declared and would stay on the list for ever.
   */
  async manquantes(dto: ManquantesDto, portee: Portee): Promise<ManquantesVue> {
    const fraicheur = await fraicheurCommune(this.reader, portee.voitIdentites ? ['indicateurs', 'annuaire'] : ['indicateurs'], dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    const debut = `${dto.mois}-01`;
    const fin = dernierJour(dto.mois);
    const filtre = `
         FROM indicateurs.placements p
         JOIN indicateurs.marches m ON m.id = p.marche_id
        WHERE p.date_debut <= $2 AND (p.date_fin IS NULL OR p.date_fin >= $3)
          AND left(m.date_debut, 7) <= $1 AND left(m.date_fin, 7) >= $1 AND m.date_cloture IS NULL
          AND NOT EXISTS (SELECT 1 FROM indicateurs.declarations d WHERE d.placement_id = p.id AND d.mois = $1)
          AND ($4::uuid IS NULL OR p.marche_id = $4)
          AND ($5::uuid IS NULL OR m.donneur_ordre_id = $5)`;
    const parametres = [dto.mois, fin, debut, dto.marcheId ?? null, portee.donneurOrdreId];
    const lignes: Array<LignePlacement & { numero: string; nom: string | null; prenom: string | null; efface: boolean | null; total: string }> =
      await this.reader.dataSource.query(
        `SELECT p.id, p.salarie_id, p.marche_id, p.entreprise_id, p.modalite, p.type_contrat, p.date_debut, p.date_fin,
                m.numero, a.nom, a.prenom, a.efface, count(*) OVER () AS total
           ${filtre.replace('FROM indicateurs.placements p', 'FROM indicateurs.placements p LEFT JOIN annuaire.salaries a ON a.id = p.salarie_id')}
          ORDER BY m.numero, p.date_debut, p.id
          LIMIT $6 OFFSET $7`,
        [...parametres, taillePage, (page - 1) * taillePage],
      );
    const total = lignes.length > 0 ? Number(lignes[0].total) : Number((await this.reader.dataSource.query(`SELECT count(*) AS n ${filtre}`, parametres))[0].n);
    const identite = portee.voitIdentites;
    return {
      items: lignes.map((l) => ({
        id: l.id,
        placementId: l.id,
        salarieId: l.salarie_id,
        nom: identite ? l.nom : null,
        prenom: identite ? l.prenom : null,
        efface: l.efface ?? false,
        marcheId: l.marche_id,
        numeroMarche: l.numero,
        entrepriseId: l.entreprise_id,
        dateDebut: l.date_debut,
        dateFin: l.date_fin,
      })),
      total,
      page,
      taillePage,
      mois: dto.mois,
      identiteVisible: identite,
      fraicheur,
    };
  }
}

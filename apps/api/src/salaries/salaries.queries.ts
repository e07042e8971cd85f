import { ForbiddenException, Injectable } from '@nestjs/common';
import { normaliser } from '@suivi/projections';
import type { Portee } from '../acces/portee';
import { fraicheurCommune } from '../placements/placements.queries';
import { ProjectionReader } from '../read-side/projection-reader';
import type { ListeSalariesDto, ListeSalariesVue, PlacementEnCoursVue, SalarieListeVue } from './salaries.dto';

interface Ligne {
  id: string;
  nom: string | null;
  prenom: string | null;
  sexe: SalarieListeVue['sexe'];
  tranche_age: SalarieListeVue['trancheAge'];
  commune: string;
  efface: boolean;
}

/**
 * The salariés' list, from the `annuaire` projection (the only read model with names, decrypted
 * with each person's key and emptied by an erasure), with their running placements from the
 * indicators' read model.
 */
@Injectable()
export class SalariesLus {
  constructor(private readonly reader: ProjectionReader) {}

  async lister(dto: ListeSalariesDto, portee: Portee): Promise<ListeSalariesVue> {
    const q = dto.q?.trim() ? dto.q.trim() : undefined;
    // Whether a name gives results tells who is recorded: a name search is an identity read.
    if (q !== undefined && !portee.voitIdentites) {
      throw new ForbiddenException({
        code: 'RECHERCHE_NOMINATIVE_REFUSEE',
        message: "La recherche par nom est réservée à qui voit les identités (facilitatrice) : listez sans q, ou filtrez autrement.",
      });
    }
    const fraicheur = await fraicheurCommune(this.reader, ['annuaire', 'indicateurs'], dto.apres);
    const page = dto.page ?? 1;
    const taillePage = dto.taillePage ?? 50;
    // Each word of the text must appear in the name or the first name (either order, accents and case forgiven).
    const mots = q === undefined ? null : normaliser(q).split(' ').filter((m) => m !== '');
    const motifs = mots === null ? null : mots.map((m) => `%${m}%`);
    // A text with nothing searchable (only signs or emoji) matches nobody, rather than everybody.
    const aucun = mots !== null && mots.length === 0;
    const sens = dto.ordre === 'desc' ? 'DESC' : 'ASC';
    // Sorting by name is itself an identity read: for the others the order is the ids'.
    const parNom = portee.voitIdentites ? `s.recherche COLLATE "C" ${sens} NULLS LAST, s.id ${sens}` : `s.id ${sens}`;
    const ordre = dto.tri === 'commune' ? `s.commune ${sens}, ${parNom}` : parNom;
    const filtre = `
        FROM annuaire.salaries s
       WHERE ($1::text[] IS NULL OR s.recherche LIKE ALL ($1::text[]))
         AND NOT $2::boolean
         AND ($3::uuid IS NULL OR EXISTS (
               SELECT 1 FROM indicateurs.placements p JOIN indicateurs.marches m ON m.id = p.marche_id
                WHERE p.salarie_id = s.id AND m.donneur_ordre_id = $3))`;
    const parametres = [motifs, aucun, portee.donneurOrdreId];
    // The page is read in index order and the total counted apart: a window count would sort every person first.
    const lignes: Ligne[] = await this.reader.dataSource.query(
      `SELECT s.id, s.nom, s.prenom, s.sexe, s.tranche_age, s.commune, s.efface ${filtre}
        ORDER BY ${ordre} LIMIT $4 OFFSET $5`,
      [...parametres, taillePage, (page - 1) * taillePage],
    );
    const total = Number((await this.reader.dataSource.query(`SELECT count(*) AS n ${filtre}`, parametres))[0].n);
    const enCours = await this.placementsEnCours(
      lignes.map((l) => l.id),
      portee,
    );
    const identite = portee.voitIdentites;
    return {
      items: lignes.map((l) => ({
        id: l.id,
        nom: identite ? l.nom : null,
        prenom: identite ? l.prenom : null,
        sexe: l.sexe,
        trancheAge: l.tranche_age,
        commune: l.commune,
        efface: l.efface,
        placementsEnCours: enCours.get(l.id) ?? [],
      })),
      total,
      page,
      taillePage,
      identiteVisible: identite,
      fraicheur,
    };
  }

  private async placementsEnCours(ids: string[], portee: Portee): Promise<Map<string, PlacementEnCoursVue[]>> {
    const parSalarie = new Map<string, PlacementEnCoursVue[]>();
    if (ids.length === 0) return parSalarie;
    const lignes: Array<{ id: string; salarie_id: string; marche_id: string; entreprise_id: string; date_debut: string }> = await this.reader.dataSource.query(
      `SELECT p.id, p.salarie_id, p.marche_id, p.entreprise_id, p.date_debut
         FROM indicateurs.placements p JOIN indicateurs.marches m ON m.id = p.marche_id
        WHERE p.salarie_id = ANY($1::uuid[]) AND p.date_fin IS NULL AND ($2::uuid IS NULL OR m.donneur_ordre_id = $2)
        ORDER BY p.date_debut, p.id`,
      [ids, portee.donneurOrdreId],
    );
    for (const l of lignes) {
      const liste = parSalarie.get(l.salarie_id) ?? [];
      liste.push({ id: l.id, marcheId: l.marche_id, entrepriseId: l.entreprise_id, dateDebut: l.date_debut });
      parSalarie.set(l.salarie_id, liste);
    }
    return parSalarie;
  }
}

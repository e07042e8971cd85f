import { In, type EntityManager } from 'typeorm';
import { DonneurOrdreLu } from '@suivi/projections';
import { dateFr } from '../bilans/bilan.csv';
import { libelle, LIBELLE_SECTEUR, LIBELLE_STATUT_CONFORMITE } from '../bilans/libelles';
import { classeurXlsx, type Cellule, type Colonne } from '../exports-xlsx/classeur';
import type { ListeMarchesVue } from './conformite.handlers';

/** What a row of a marchés sheet shows: a marché's compliance at a date. */
export interface MarcheEnFeuille {
  numero: string;
  objet: string;
  secteur: string;
  dateDebut: string;
  dateFin: string;
  dateCloture: string | null;
  heuresPrevues: number | null;
  heuresRealisees: number | null;
  heuresAttendues: number | null;
  tauxRealisation: number | null;
  statut: string;
  heuresManquantes: number | null;
  heuresApresCloture: number | null;
}

/** The columns every marchés sheet shares (the team's, the coordination's), judged at `date` (ISO). */
export function colonnesMarche(date: string): Colonne[] {
  const jour = dateFr(date);
  return [
    { titre: 'Numéro du marché', type: 'texte', largeur: 18 },
    { titre: 'Objet', type: 'texte', largeur: 40 },
    { titre: "Donneur d'ordre", type: 'texte', largeur: 30 },
    { titre: 'Secteur', type: 'texte', largeur: 30 },
    { titre: 'Début', type: 'date' },
    { titre: 'Fin prévue', type: 'date' },
    { titre: 'Clôture', type: 'date' },
    { titre: 'Heures prévues', type: 'heures' },
    { titre: 'Heures réalisées', type: 'heures' },
    { titre: `Heures attendues au ${jour}`, type: 'heures' },
    { titre: 'Taux de réalisation', type: 'part' },
    { titre: `Statut au ${jour}`, type: 'texte', largeur: 22 },
    { titre: 'Heures manquantes', type: 'heures' },
    { titre: 'Heures après clôture', type: 'heures' },
  ];
}

/** A marché's cells under `colonnesMarche`. */
export function cellulesMarche(m: MarcheEnFeuille, donneurOrdre: string): Cellule[] {
  return [
    m.numero,
    m.objet,
    donneurOrdre,
    libelle(LIBELLE_SECTEUR, m.secteur),
    m.dateDebut,
    m.dateFin,
    m.dateCloture ?? undefined,
    m.heuresPrevues,
    m.heuresRealisees,
    m.heuresAttendues,
    m.tauxRealisation,
    libelle(LIBELLE_STATUT_CONFORMITE, m.statut),
    m.heuresManquantes,
    m.heuresApresCloture,
  ];
}

/** `GET /marches?format=xlsx`: the list (filters, scope, sort of the JSON; every page) as one sheet "Marchés". */
export async function marchesEnXlsx(liste: ListeMarchesVue, em: EntityManager): Promise<Buffer> {
  const ids = [...new Set(liste.items.map((m) => m.donneurOrdreId))];
  const noms = new Map((ids.length === 0 ? [] : await em.findBy(DonneurOrdreLu, { id: In(ids) })).map((d) => [d.id, d.nom]));
  return classeurXlsx(
    [
      {
        titre: 'Marchés',
        colonnes: [...colonnesMarche(liste.date), { titre: 'Suivi régional', type: 'texte' }],
        lignes: liste.items.map((m) => [...cellulesMarche(m, noms.get(m.donneurOrdreId) ?? m.donneurOrdreId), m.suiviRegional]),
      },
    ],
    null,
  );
}

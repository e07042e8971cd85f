import { In, type EntityManager } from 'typeorm';
import { DonneurOrdreLu } from '@suivi/projections';
import { dateFr } from '../bilans/bilan.csv';
import { libelle, LIBELLE_SECTEUR, LIBELLE_STATUT_CONFORMITE } from '../bilans/libelles';
import { classeurXlsx } from '../exports-xlsx/classeur';
import type { ListeMarchesVue } from './conformite.handlers';

/** `GET /marches?format=xlsx`: the list (filters, scope, sort of the JSON; every page) as one sheet "Marchés". */
export async function marchesEnXlsx(liste: ListeMarchesVue, em: EntityManager): Promise<Buffer> {
  const ids = [...new Set(liste.items.map((m) => m.donneurOrdreId))];
  const noms = new Map((ids.length === 0 ? [] : await em.findBy(DonneurOrdreLu, { id: In(ids) })).map((d) => [d.id, d.nom]));
  const date = dateFr(liste.date);
  return classeurXlsx(
    [
      {
        titre: 'Marchés',
        colonnes: [
          { titre: 'Numéro du marché', type: 'texte', largeur: 18 },
          { titre: 'Objet', type: 'texte', largeur: 40 },
          { titre: "Donneur d'ordre", type: 'texte', largeur: 30 },
          { titre: 'Secteur', type: 'texte', largeur: 30 },
          { titre: 'Début', type: 'date' },
          { titre: 'Fin prévue', type: 'date' },
          { titre: 'Clôture', type: 'date' },
          { titre: 'Heures prévues', type: 'heures' },
          { titre: 'Heures réalisées', type: 'heures' },
          { titre: `Heures attendues au ${date}`, type: 'heures' },
          { titre: 'Taux de réalisation', type: 'part' },
          { titre: `Statut au ${date}`, type: 'texte', largeur: 22 },
          { titre: 'Heures manquantes', type: 'heures' },
          { titre: 'Heures après clôture', type: 'heures' },
          { titre: 'Suivi régional', type: 'texte' },
        ],
        lignes: liste.items.map((m) => [
          m.numero,
          m.objet,
          noms.get(m.donneurOrdreId) ?? m.donneurOrdreId,
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
          m.suiviRegional,
        ]),
      },
    ],
    null,
  );
}

import { stringify } from 'csv-stringify/sync';
import type { BilanVue } from './bilans.handlers';

const nombre = (n: number) => String(n).replace('.', ',');

/**
 * The yearly report as a French spreadsheet reads it: `;` separators, decimal commas,
 * UTF-8 with a BOM (so that Excel shows the accents), one line per figure.
 */
export function bilanEnCsv(bilan: BilanVue): string {
  const lignes: Array<[string, string, string]> = [['rubrique', 'indicateur', 'valeur']];
  const i = bilan.indicateurs;
  const ajouter = (rubrique: string, valeurs: Record<string, number>) => {
    for (const [cle, valeur] of Object.entries(valeurs)) lignes.push([rubrique, cle, nombre(valeur)]);
  };
  lignes.push(['bilan', 'annee', String(bilan.annee)]);
  ajouter('heures', { heuresRealisees: i.heuresRealisees, etp: i.etp });
  ajouter('heures par secteur', i.heuresParSecteur);
  ajouter('heures par modalité', i.heuresParModalite);
  ajouter("heures par type d'employeur", i.heuresParTypeEmployeur);
  ajouter('publics', {
    salaries: i.salaries,
    femmes: i.femmes,
    partFemmes: i.partFemmes,
    partFemmesHeures: i.partFemmesHeures,
    residentsQpv: i.residentsQpv,
    partQpvPersonnes: i.partQpvPersonnes,
    partQpvHeures: i.partQpvHeures,
    moins26Ans: i.moins26Ans,
    partMoins26Ans: i.partMoins26Ans,
    plus50Ans: i.plus50Ans,
    partPlus50Ans: i.partPlus50Ans,
  });
  ajouter('niveaux de formation', i.niveauxFormation);
  ajouter("critères d'éligibilité", i.criteres);
  ajouter('activité', { entreprises: i.entreprises, operations: i.operations, donneursOrdre: i.donneursOrdre, marches: i.marches });
  ajouter('entreprises par type', i.entreprisesParType);
  ajouter('entreprises par métier', i.entreprisesParMetier);
  ajouter('placements par contrat', i.placementsParContrat);
  ajouter('placements par modalité', i.placementsParModalite);
  ajouter('contrats et sorties', {
    embauches: i.embauches,
    placementsEmbauche: i.placementsEmbauche,
    sorties: i.sorties,
    sortiesPositives: i.sortiesPositives,
    personnesEnEmploi: i.personnesEnEmploi,
    placementsTermines: i.placementsTermines,
    placementsSortiePositive: i.placementsSortiePositive,
  });
  lignes.push(['contrats et sorties', 'categoriesPersonnesEnEmploi', i.categoriesPersonnesEnEmploi.join(', ')]);
  ajouter('sorties par catégorie', i.sortiesParCategorie);
  ajouter('placements terminés par catégorie', i.placementsTerminesParCategorie);
  // One rubrique per opération (its name and commune), in the order of the JSON's `operations`.
  for (const o of bilan.operations) {
    const { heuresPrevues, heuresRealisees, heuresRealiseesCumulees, salaries, marches } = o;
    ajouter(`opération ${o.nom} (${o.commune})`, { heuresPrevues, heuresRealisees, heuresRealiseesCumulees, salaries, marches });
  }
  if (bilan.objectifs) {
    for (const [cle, o] of Object.entries(bilan.objectifs)) {
      lignes.push(['objectifs', `${cle} (objectif)`, nombre(o.objectif)]);
      lignes.push(['objectifs', `${cle} (réalisé)`, nombre(o.realise)]);
      lignes.push(['objectifs', `${cle} (atteint)`, o.atteint ? 'oui' : 'non']);
    }
  }
  ajouter(`conformité des marchés au ${bilan.conformite.date}`, { marches: bilan.conformite.marches, ...bilan.conformite.parStatut });
  return '\uFEFF' + stringify(lignes, { delimiter: ';', record_delimiter: '\r\n' });
}

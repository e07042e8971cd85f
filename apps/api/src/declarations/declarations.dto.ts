import { HEURES_MOIS_PLAFOND } from '@suivi/domain';
import { Heures, Texte } from '../validation/fields';

export class CorrigerDeclarationDto {
  @Heures({ max: HEURES_MOIS_PLAFOND, example: 140, description: 'Les heures qui remplacent celles de la déclaration (≥ 0, au plus 2 décimales).' })
  heures: number;

  @Texte({ example: 'Erreur de saisie : feuille de temps rectifiée par l’employeur' })
  motif: string;
}

import { Heures, Texte } from '../validation/fields';

export class CorrigerDeclarationDto {
  @Heures({ example: 140, description: 'Les heures qui remplacent celles de la déclaration (≥ 0, au plus 2 décimales).' })
  heures: number;

  @Texte({ example: 'Erreur de saisie : feuille de temps rectifiée par l’employeur' })
  motif: string;
}

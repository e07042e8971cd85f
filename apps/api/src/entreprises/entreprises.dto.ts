import { ApiProperty } from '@nestjs/swagger';
import { TYPES_ENTREPRISE, type TypeEntreprise } from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { Enum, Identifiant, Texte } from '../validation/fields';

export class EnregistrerEntrepriseDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Texte({ example: '73282932000074', max: 20, description: '14 chiffres (espaces tolérés), clé de Luhn vérifiée.' })
  siret: string;

  @Texte({ example: 'Bâtiments de Bourgogne SAS' })
  raisonSociale: string;

  @Enum(TYPES_ENTREPRISE, { example: 'classique' })
  type: TypeEntreprise;
}

export class EntrepriseVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '73282932000074' }) siret: string;
  @ApiProperty({ example: '732829320' }) siren: string;
  @ApiProperty() raisonSociale: string;
  @ApiProperty({ enum: TYPES_ENTREPRISE }) type: TypeEntreprise;
  @ApiProperty() revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

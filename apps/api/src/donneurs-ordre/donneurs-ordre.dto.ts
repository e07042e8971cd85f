import { ApiProperty } from '@nestjs/swagger';
import { TYPES_DONNEUR_ORDRE, type TypeDonneurOrdre } from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { Enum, Identifiant, Texte } from '../validation/fields';

export class EnregistrerDonneurOrdreDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Texte({ example: 'Dijon Métropole' })
  nom: string;

  @Enum(TYPES_DONNEUR_ORDRE, { example: 'collectivite' })
  type: TypeDonneurOrdre;

  @Texte({ example: 'Bourgogne-Franche-Comté' })
  region: string;
}

export class DonneurOrdreVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Dijon Métropole' }) nom: string;
  @ApiProperty({ enum: TYPES_DONNEUR_ORDRE }) type: TypeDonneurOrdre;
  @ApiProperty({ example: 'Bourgogne-Franche-Comté' }) region: string;
  @ApiProperty({ example: 0 }) revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

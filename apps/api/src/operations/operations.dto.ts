import { ApiProperty } from '@nestjs/swagger';
import { Fraicheur } from '../read-side/freshness';
import { Identifiant, Texte } from '../validation/fields';

export class OuvrirOperationDto {
  @Identifiant({ optional: true, description: "Identifiant choisi par le client ; sinon le serveur en crée un." })
  id?: string;

  @Identifiant({ example: '3f0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11' })
  donneurOrdreId: string;

  @Texte({ example: 'Centre de santé Valmy' })
  nom: string;

  @Texte({ example: 'Dijon' })
  commune: string;
}

export class OperationVue {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) donneurOrdreId: string;
  @ApiProperty({ example: 'Centre de santé Valmy' }) nom: string;
  @ApiProperty({ example: 'Dijon' }) commune: string;
  @ApiProperty({ example: 0 }) revision: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { Fraicheur } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';
import { LectureDto } from '../read-side/read-query.dto';
import { RECHERCHE_MAX } from '../entreprises/entreprises.dto';
import { enMinuscules, Identifiant, Texte } from '../validation/fields';

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

export class ListeOperationsDto extends IntersectionType(LectureDto, PaginationDto) {
  @ApiPropertyOptional({ format: 'uuid', description: "Les opérations de ce donneur d'ordre." })
  @IsOptional()
  @enMinuscules
  @IsUUID('all', { message: 'donneurOrdreId doit être un uuid' })
  donneurOrdreId?: string;

  @Texte({ optional: true, nullable: true, max: RECHERCHE_MAX, example: 'college dijon', description: 'Recherche dans le nom et la commune, sans tenir compte des accents ni de la casse (chaque mot doit figurer dans l’un ou l’autre).' })
  q?: string | null;
}

export class OperationListee {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) donneurOrdreId: string;
  @ApiProperty({ example: 'Centre de santé Valmy' }) nom: string;
  @ApiProperty({ example: 'Dijon' }) commune: string;
  @ApiProperty({ example: 2, description: 'Nombre de ses marchés.' }) marches: number;
}

export class ListeOperationsVue {
  @ApiProperty({ type: [OperationListee] }) items: OperationListee[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

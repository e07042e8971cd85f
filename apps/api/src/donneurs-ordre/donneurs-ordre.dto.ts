import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { TYPES_DONNEUR_ORDRE, type TypeDonneurOrdre } from '@suivi/domain';
import { Fraicheur } from '../read-side/freshness';
import { PaginationDto } from '../read-side/pagination';
import { LectureDto } from '../read-side/read-query.dto';
import { RECHERCHE_MAX } from '../entreprises/entreprises.dto';
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

export class ListeDonneursOrdreDto extends IntersectionType(LectureDto, PaginationDto) {
  @Texte({ optional: true, nullable: true, max: RECHERCHE_MAX, example: 'dijon metropole', description: 'Recherche dans le nom, sans tenir compte des accents ni de la casse (chaque mot doit y figurer).' })
  q?: string | null;

  @Enum(TYPES_DONNEUR_ORDRE, { optional: true })
  type?: TypeDonneurOrdre;

  @Enum(['nom'], { optional: true, description: 'nom par défaut (sans accents ni casse).' })
  tri?: 'nom';

  @Enum(['asc', 'desc'], { optional: true, description: 'asc par défaut.' })
  ordre?: 'asc' | 'desc';
}

export class DonneurOrdreListe {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Dijon Métropole' }) nom: string;
  @ApiProperty({ enum: TYPES_DONNEUR_ORDRE }) type: TypeDonneurOrdre;
  @ApiProperty({ example: 'Bourgogne-Franche-Comté' }) region: string;
  @ApiProperty({ example: 3, description: 'Nombre de ses opérations.' }) operations: number;
  @ApiProperty({ example: 7, description: 'Nombre de ses marchés.' }) marches: number;
}

export class ListeDonneursOrdreVue {
  @ApiProperty({ type: [DonneurOrdreListe] }) items: DonneurOrdreListe[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() taillePage: number;
  @ApiProperty({ type: Fraicheur }) fraicheur: Fraicheur;
}

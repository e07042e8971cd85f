import { ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TRIS_CONFORMITE, type TriConformite } from '@suivi/projections';
import { PaginationDto } from '../read-side/pagination';
import { DateDto, LectureDto, PerimetreDto } from '../read-side/read-query.dto';
import { FormatFichier } from '../exports-xlsx/format.dto';
import { RECHERCHE_MAX } from '../entreprises/entreprises.dto';
import { Texte } from '../validation/fields';

export const STATUTS_CONFORMITE = ['en_avance', 'conforme', 'en_retard', 'atteint', 'non_atteint'] as const;

export class ListeMarchesDto extends IntersectionType(
  DateDto,
  PaginationDto,
  PickType(PerimetreDto, ['donneurOrdreId', 'operationId', 'secteur'] as const),
) {
  @ApiPropertyOptional({ enum: STATUTS_CONFORMITE })
  @IsOptional()
  @IsIn(STATUTS_CONFORMITE as unknown as string[], { message: `statut doit valoir l'une de ces valeurs : ${STATUTS_CONFORMITE.join(', ')}` })
  statut?: string;

  @ApiPropertyOptional({ enum: TRIS_CONFORMITE, default: 'numero' })
  @IsOptional()
  @IsIn(TRIS_CONFORMITE as unknown as string[], { message: `tri doit valoir l'une de ces valeurs : ${TRIS_CONFORMITE.join(', ')}` })
  tri?: TriConformite;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'ordre doit valoir asc ou desc' })
  ordre?: 'asc' | 'desc';

  @Texte({
    optional: true,
    nullable: true,
    max: RECHERCHE_MAX,
    example: 'voirie 2025',
    description: "Recherche dans le numéro et l'objet du marché, sans tenir compte des accents ni de la casse (chaque mot doit y figurer).",
  })
  q?: string | null;

  @FormatFichier(['xlsx'])
  format?: 'xlsx';
}

/** `GET /marches/{id}/releve`. */
export class ReleveDto extends LectureDto {
  @FormatFichier(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';
}

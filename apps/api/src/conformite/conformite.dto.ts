import { ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DateDto, PerimetreDto } from '../read-side/read-query.dto';

export const STATUTS_CONFORMITE = ['en_avance', 'conforme', 'en_retard', 'atteint', 'non_atteint'] as const;
export const TRIS = ['numero', 'tauxRealisation', 'heuresRealisees', 'heuresManquantes', 'heuresPrevues', 'dateFin'] as const;

export class ListeMarchesDto extends IntersectionType(DateDto, PickType(PerimetreDto, ['donneurOrdreId', 'operationId', 'secteur'] as const)) {
  @ApiPropertyOptional({ enum: STATUTS_CONFORMITE })
  @IsOptional()
  @IsIn(STATUTS_CONFORMITE as unknown as string[], { message: `statut doit valoir l'une de ces valeurs : ${STATUTS_CONFORMITE.join(', ')}` })
  statut?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page doit être un entier à partir de 1' })
  @Min(1, { message: 'page doit être un entier à partir de 1' })
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'taillePage doit être un entier de 1 à 500' })
  @Min(1, { message: 'taillePage doit être un entier de 1 à 500' })
  @Max(500, { message: 'taillePage doit être un entier de 1 à 500' })
  taillePage?: number;

  @ApiPropertyOptional({ enum: TRIS, default: 'numero' })
  @IsOptional()
  @IsIn(TRIS as unknown as string[], { message: `tri doit valoir l'une de ces valeurs : ${TRIS.join(', ')}` })
  tri?: (typeof TRIS)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'ordre doit valoir asc ou desc' })
  ordre?: 'asc' | 'desc';
}

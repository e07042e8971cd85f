import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Far beyond any real list at the largest page size, and small enough for any OFFSET. */
const PAGE_MAX = 100_000;

export class PaginationDto {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `page doit être un entier de 1 à ${PAGE_MAX}` })
  @Min(1, { message: `page doit être un entier de 1 à ${PAGE_MAX}` })
  @Max(PAGE_MAX, { message: `page doit être un entier de 1 à ${PAGE_MAX}` })
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'taillePage doit être un entier de 1 à 500' })
  @Min(1, { message: 'taillePage doit être un entier de 1 à 500' })
  @Max(500, { message: 'taillePage doit être un entier de 1 à 500' })
  taillePage?: number;
}

import { applyDecorators, BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { SECTEURS } from '@suivi/domain';
import { enMinuscules } from '../validation/fields';

/** `?apres=<position>`: read your own write (the position a write answered). */
export class LectureDto {
  @ApiPropertyOptional({ description: 'Attendre (LECTURE_ATTENTE_MS, 2 s par défaut) que les chiffres intègrent cette position du journal, rendue par une écriture.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'apres doit être une position entière' })
  @Min(0, { message: 'apres doit être une position positive' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'apres doit être une position du journal, rendue par une écriture' })
  apres?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar year in a query (2000 to 2100), documented with `description`. */
function AnneeCivile(champ: string, o: { description: string; example: number; optional?: boolean }) {
  const message = `${champ} doit être une année, un entier de 2000 à 2100`;
  return applyDecorators(
    o.optional ? ApiPropertyOptional({ description: o.description, example: o.example }) : ApiProperty({ description: o.description, example: o.example }),
    ...(o.optional ? [IsOptional()] : []),
    Type(() => Number),
    IsInt({ message }),
    Min(2000, { message }),
    Max(2100, { message }),
  );
}

/** A period: a calendar year, or dates. */
export class PeriodeDto extends LectureDto {
  @AnneeCivile('annee', { description: 'Année civile (équivaut à du=AAAA-01-01 et au=AAAA-12-31).', example: 2025, optional: true })
  annee?: number;

  @ApiPropertyOptional({ description: 'Début de période (inclus) ; un mois est compté dès qu’il chevauche la période.', example: '2025-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'du doit être une date AAAA-MM-JJ' })
  @IsISO8601({ strict: true }, { message: 'du doit être une date qui existe' })
  du?: string;

  @ApiPropertyOptional({ description: 'Fin de période (incluse).', example: '2025-12-31' })
  @IsOptional()
  @Matches(DATE, { message: 'au doit être une date AAAA-MM-JJ' })
  @IsISO8601({ strict: true }, { message: 'au doit être une date qui existe' })
  au?: string;
}

/** The scope of a figure: a period and a perimeter (the API docs give each definition). */
export class PerimetreDto extends PeriodeDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @enMinuscules
  @IsUUID('all', { message: 'donneurOrdreId doit être un uuid' })
  donneurOrdreId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @enMinuscules
  @IsUUID('all', { message: 'operationId doit être un uuid' })
  operationId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @enMinuscules
  @IsUUID('all', { message: 'marcheId doit être un uuid' })
  marcheId?: string;

  @ApiPropertyOptional({ enum: SECTEURS })
  @IsOptional()
  @IsIn(SECTEURS as unknown as string[], { message: `secteur doit valoir l'une de ces valeurs : ${SECTEURS.join(', ')}` })
  secteur?: string;
}

/** /indicateurs: a perimeter, and optionally the instant the figures are asked as known at (audit). */
export class IndicateursDto extends PerimetreDto {
  @ApiPropertyOptional({
    description:
      "Les chiffres tels qu'ils étaient connus à cet instant (ISO 8601, ou une date : la fin de ce jour à Paris) : le journal rejoué jusqu'au dernier événement enregistré avant lui, par exemple avant qu'une correction soit saisie. Premier calcul d'un instant : la projection est rejouée jusque-là (202 tant qu'il dure), ensuite gardé.",
    example: '2025-06-30T18:00:00+02:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: "connuLe doit être un instant ISO 8601 (2025-06-30T18:00:00+02:00) ou une date (2025-06-30)" })
  connuLe?: string;
}

/** The yearly report's perimeter: its year is in the path, so no period in the query. */
export class PerimetreBilanDto extends OmitType(PerimetreDto, ['annee', 'du', 'au'] as const) {}

/** `GET /indicateurs/series`: the years (2000 to 2100, de ≤ a, at most 50) and the yearly report's perimeter. */
export class SerieDto extends PerimetreBilanDto {
  @AnneeCivile('de', { description: 'Première année civile de la série (de 2000 à 2100).', example: 2019 })
  de!: number;

  @AnneeCivile('a', { description: 'Dernière année civile de la série, incluse (de 2000 à 2100, au plus 50 ans après de).', example: 2025 })
  a!: number;
}

/** A perimeter's dates: `annee` narrows `du`/`au` to that year; an empty period is a 400. */
export function periodeDe(dto: { annee?: number; du?: string; au?: string }): { du?: string; au?: string } {
  let periode = { du: dto.du, au: dto.au };
  if (dto.annee !== undefined) {
    const du = `${dto.annee}-01-01`;
    const au = `${dto.annee}-12-31`;
    periode = { du: dto.du && dto.du > du ? dto.du : du, au: dto.au && dto.au < au ? dto.au : au };
  }
  if (periode.du && periode.au && periode.du > periode.au) {
    throw new BadRequestException({ code: 'PERIODE_INVALIDE', message: 'La période est vide : la date de début (du) doit précéder la date de fin (au), dans l’année demandée.' });
  }
  return periode;
}

function DateEvaluation() {
  return applyDecorators(
    ApiPropertyOptional({ description: "Date d'évaluation (aujourd'hui par défaut).", example: '2025-06-30' }),
    IsOptional(),
    Matches(DATE, { message: 'date doit être une date AAAA-MM-JJ' }),
    IsISO8601({ strict: true }, { message: 'date doit être une date qui existe' }),
  );
}

export class DateDto extends LectureDto {
  @DateEvaluation() date?: string;
}

export class PeriodeEtDateDto extends PeriodeDto {
  @DateEvaluation() date?: string;
}

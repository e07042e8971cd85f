import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/**
 * One decorator per kind of field: class-validator rules with French messages, and the
 * OpenAPI description with an example. Business rules (periods, maxima, SIRET key...) are the
 * domain's; these only check shapes, so that a 400 says which field is malformed.
 */
interface FieldOptions {
  example?: unknown;
  description?: string;
  optional?: boolean;
  nullable?: boolean;
}

function doc(type: Record<string, unknown>, o: FieldOptions) {
  const common = { ...type, example: o.example, description: o.description, nullable: o.nullable };
  return o.optional ? ApiPropertyOptional(common) : ApiProperty(common);
}

function presence(o: FieldOptions) {
  if (o.optional) return [IsOptional()];
  if (o.nullable) return [ValidateIf((_obj, value) => value !== null)];
  return [];
}

export function Texte(o: FieldOptions & { max?: number } = {}) {
  return applyDecorators(
    doc({ type: String, maxLength: o.max ?? 500 }, o),
    ...presence(o),
    IsString({ message: '$property doit être un texte' }),
    MaxLength(o.max ?? 500, { message: `$property ne doit pas dépasser ${o.max ?? 500} caractères` }),
  );
}

export function Enum(values: readonly string[], o: FieldOptions = {}) {
  return applyDecorators(
    doc({ enum: values }, o),
    ...presence(o),
    IsIn(values as string[], { message: `$property doit valoir l'une de ces valeurs : ${values.join(', ')}` }),
  );
}

export function EnumList(values: readonly string[], o: FieldOptions = {}) {
  return applyDecorators(
    doc({ enum: values, isArray: true }, o),
    ...presence(o),
    IsArray({ message: '$property doit être une liste' }),
    ArrayNotEmpty({ message: '$property doit contenir au moins une valeur' }),
    IsIn(values as string[], { each: true, message: `chaque valeur de $property doit être l'une de : ${values.join(', ')}` }),
  );
}

export function DateJour(o: FieldOptions = {}) {
  return applyDecorators(
    doc({ type: String, format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, o),
    ...presence(o),
    IsString({ message: '$property doit être une date AAAA-MM-JJ' }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property doit être une date au format AAAA-MM-JJ' }),
    IsISO8601({ strict: true }, { message: '$property doit être une date qui existe' }),
  );
}

export function MoisCalendaire(o: FieldOptions = {}) {
  return applyDecorators(
    doc({ type: String, pattern: '^\\d{4}-\\d{2}$' }, o),
    ...presence(o),
    IsString({ message: '$property doit être un mois AAAA-MM' }),
    Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '$property doit être un mois au format AAAA-MM' }),
  );
}

export function Heures(o: FieldOptions = {}) {
  return applyDecorators(
    doc({ type: Number, multipleOf: 0.01 }, o),
    ...presence(o),
    IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }, { message: '$property doit être un nombre avec au plus 2 décimales' }),
  );
}

export function Identifiant(o: FieldOptions = {}) {
  return applyDecorators(
    doc({ type: String, format: 'uuid' }, o),
    ...presence(o),
    IsUUID('all', { message: '$property doit être un identifiant uuid' }),
  );
}

export function Booleen(o: FieldOptions = {}) {
  return applyDecorators(doc({ type: Boolean }, o), ...presence(o), IsBoolean({ message: '$property doit valoir true ou false' }));
}

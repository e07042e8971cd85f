import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { aAuPlusDeuxDecimales, aAuPlusQuatreDecimales, defautDeTexte, longueurDe } from '@suivi/domain';

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

/** Texts are trimmed before they are checked and stored; a blank optional text is no text. */
const trimmed = (blankIsNull: boolean) =>
  Transform(({ value }) => (typeof value === 'string' ? (blankIsNull && value.trim() === '' ? null : value.trim()) : value));

/** A text every read model and export can hold (see `defautDeTexte` in the domain). */
function TexteStockable() {
  return ValidateBy({
    name: 'texteStockable',
    validator: {
      validate: (value) => typeof value !== 'string' || defautDeTexte(value) === null,
      defaultMessage: (args) => `${args?.property} ${defautDeTexte(String(args?.value))} : retirez-le`,
    },
  });
}

export function Texte(o: FieldOptions & { max?: number } = {}) {
  const max = o.max ?? 500;
  return applyDecorators(
    doc({ type: String, minLength: 1, maxLength: max }, o),
    trimmed(Boolean(o.nullable)),
    ...presence(o),
    IsString({ message: '$property doit être un texte' }),
    IsNotEmpty({ message: '$property ne doit pas être vide' }),
    ValidateBy({
      name: 'longueurMax',
      validator: {
        // The domain's count (characters, an emoji counts one), not class-validator's own.
        validate: (value) => typeof value !== 'string' || longueurDe(value) <= max,
        defaultMessage: (args) => `${args?.property} ne doit pas dépasser ${max} caractères`,
      },
    }),
    TexteStockable(),
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
    ArrayMaxSize(values.length, { message: `$property contient au plus ${values.length} valeurs` }),
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

/**
 * A number of hours from 0 to `max` with at most 2 decimals. Every range is one that the domain
 * and every read model can hold; rules of the business (the 220 h a month of one person...)
 * stay the domain's, answered 422.
 */
export function Heures(o: FieldOptions & { max: number }) {
  const range = `de 0 à ${o.max.toLocaleString('fr-FR')} avec au plus 2 décimales`;
  return applyDecorators(
    doc({ type: Number, multipleOf: 0.01, minimum: 0, maximum: o.max }, o),
    ...presence(o),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: `$property doit être un nombre ${range}` }),
    Min(0, { message: `$property doit être un nombre ${range}` }),
    Max(o.max, { message: `$property doit être un nombre ${range}` }),
    ValidateBy({
      name: 'deuxDecimales',
      validator: {
        validate: (value) => typeof value !== 'number' || aAuPlusDeuxDecimales(value),
        defaultMessage: (args) => `${args?.property} doit être un nombre ${range}`,
      },
    }),
  );
}

/** Ids name streams and rows: lower case, whatever case the client sent (API.md). */
export const enMinuscules = Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value));

export function Identifiant(o: FieldOptions = {}) {
  return applyDecorators(
    doc({ type: String, format: 'uuid' }, o),
    enMinuscules,
    ...presence(o),
    IsUUID('all', { message: '$property doit être un identifiant uuid' }),
  );
}

export function Booleen(o: FieldOptions = {}) {
  return applyDecorators(doc({ type: Boolean }, o), ...presence(o), IsBoolean({ message: '$property doit valoir true ou false' }));
}

/** The validators of a share, without documentation or presence: for fields whose presence depends on another. */
export function ValeurDePart() {
  const message = '$property doit être une part entre 0 et 1, avec au plus 4 décimales (0.05 pour 5 %)';
  return applyDecorators(
    IsNumber({ allowNaN: false, allowInfinity: false }, { message }),
    Min(0, { message }),
    Max(1, { message }),
    ValidateBy({ name: 'quatreDecimales', validator: { validate: (value) => typeof value !== 'number' || aAuPlusQuatreDecimales(value), defaultMessage: () => message.replace('$property', 'la valeur') } }),
  );
}

/** A share from 0 to 1 with at most 4 decimals (0.05 for 5 %), as the domain's `estPart`. */
export function Part(o: FieldOptions = {}) {
  return applyDecorators(doc({ type: Number, minimum: 0, maximum: 1, multipleOf: 0.0001 }, o), ...presence(o), ValeurDePart());
}

/** An amount in euros with at most 2 decimals, from `min` (excluded with `minExclu`) to `max`. */
export function Euros(o: FieldOptions & { min: number; max: number; minExclu?: boolean }) {
  const borne = o.minExclu ? `strictement supérieur à ${o.min.toLocaleString('fr-FR')}` : `d'au moins ${o.min.toLocaleString('fr-FR')}`;
  const message = `$property doit être un montant en euros ${borne}, d'au plus ${o.max.toLocaleString('fr-FR')}, avec au plus 2 décimales`;
  return applyDecorators(
    doc({ type: Number, minimum: o.min, exclusiveMinimum: o.minExclu, maximum: o.max, multipleOf: 0.01 }, o),
    ...presence(o),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message }),
    ValidateBy({
      name: 'montantEnEuros',
      validator: {
        validate: (value) => typeof value !== 'number' || ((o.minExclu ? value > o.min : value >= o.min) && value <= o.max && aAuPlusDeuxDecimales(value)),
        defaultMessage: (args) => message.replace('$property', String(args?.property)),
      },
    }),
  );
}

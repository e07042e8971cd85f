import { BadRequestException, type ValidationError } from '@nestjs/common';
import type { ApiErrorBody, FieldError } from './api-error';

/** Turns class-validator errors into a 400 listing each faulty field (nested fields dotted). */
export function validationErrorFactory(errors: ValidationError[]): BadRequestException {
  const details = flatten(errors);
  const champs = [...new Set(details.map((d) => d.champ))];
  const body: ApiErrorBody = {
    code: 'REQUETE_INVALIDE',
    message: `La requête contient ${champs.length} champ(s) invalide(s) : corrigez ${champs.join(', ')}.`,
    details,
  };
  return new BadRequestException(body);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const champ = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, message]) => ({
      champ,
      // class-validator's own message for an unknown field is in English.
      message: constraint === 'whitelistValidation' ? `${champ} n'est pas un champ attendu ici : retirez-le` : message,
    }));
    return [...own, ...flatten(e.children ?? [], champ)];
  });
}

import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The `:annee` of a path: four digits from 2000 to 2100, else a 400 saying so. A custom
 * decorator rather than a pipe: the global ValidationPipe would first turn "2025.0" or "2025 "
 * into the number 2025, and the check must see what the client sent.
 */
export const AnneeDuChemin = createParamDecorator((_data: unknown, ctx: ExecutionContext): number => {
  const value = ctx.switchToHttp().getRequest<Request>().params.annee;
  const annee = Number(value);
  if (typeof value !== 'string' || !/^\d{4}$/.test(value) || annee < 2000 || annee > 2100) {
    throw new BadRequestException({ code: 'ANNEE_INVALIDE', message: "L'année dans l'URL doit être comprise entre 2000 et 2100, par exemple 2025." });
  }
  return annee;
});

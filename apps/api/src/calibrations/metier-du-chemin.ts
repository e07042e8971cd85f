import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { CODE_METIER_MAX, estCodeMetier } from '@suivi/domain';

/** The `:metier` of a path: a trade's code (the domain's format), else a 400 saying what one looks like. */
export const MetierDuChemin = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const value = ctx.switchToHttp().getRequest<Request>().params.metier;
  if (!estCodeMetier(value)) {
    throw new BadRequestException({
      code: 'CODE_METIER_INVALIDE',
      message: `Le code du métier dans l'URL est fait de minuscules sans accent et de chiffres, mots séparés par _ ou -, ${CODE_METIER_MAX} caractères au plus (par exemple peinture_interieure).`,
    });
  }
  return value;
});

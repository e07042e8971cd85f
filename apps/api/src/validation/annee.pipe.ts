import { BadRequestException, type PipeTransform } from '@nestjs/common';

/** A year in a path: a whole number from 2000 to 2100, else a 400 saying so. */
export const anneePipe: PipeTransform<string, number> = {
  transform(value: string): number {
    const annee = Number(value);
    if (!/^\d{4}$/.test(value) || annee < 2000 || annee > 2100) {
      throw new BadRequestException({ code: 'ANNEE_INVALIDE', message: "L'année dans l'URL doit être comprise entre 2000 et 2100, par exemple 2025." });
    }
    return annee;
  },
};

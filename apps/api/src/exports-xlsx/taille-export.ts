import { UnprocessableEntityException } from '@nestjs/common';

/** The most rows an export of a marchés list holds (every page at once): beyond, the caller narrows the filters. */
export const EXPORT_MARCHES_MAX = 10_000;

/**
 * Refuses an export of `lignes` rows of `quoi` (e.g. « marchés suivis ») above EXPORT_MARCHES_MAX, counted before
 * anything is judged or written: a 422 EXPORT_TROP_VOLUMINEUX saying what to do instead (`conseil`).
 */
export function refuserExportTropVolumineux(lignes: number, quoi: string, conseil: string): void {
  if (lignes <= EXPORT_MARCHES_MAX) return;
  throw new UnprocessableEntityException({
    code: 'EXPORT_TROP_VOLUMINEUX',
    message: `L'export compterait ${lignes} ${quoi}, au-delà de ${EXPORT_MARCHES_MAX} : ${conseil}.`,
    details: { lignes, maximum: EXPORT_MARCHES_MAX },
  });
}

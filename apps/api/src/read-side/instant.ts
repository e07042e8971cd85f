import { jourDe } from '@suivi/domain';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An instant asked by an auditor: an ISO 8601 instant as is; a date means its first or last
 * millisecond in Paris (the facilitatrices' day), whichever offset (winter or summer) applies.
 */
export function instantDe(valeur: string, borne: 'debut' | 'fin'): Date {
  if (!DATE.test(valeur)) return new Date(valeur);
  const heure = borne === 'debut' ? 'T00:00:00.000' : 'T23:59:59.999';
  for (const offset of ['+01:00', '+02:00']) {
    const instant = new Date(`${valeur}${heure}${offset}`);
    if (jourDe(instant) === valeur) return instant;
  }
  return new Date(`${valeur}${heure}+01:00`);
}

import type { ComponentChildren } from 'preact';
import { appeler } from '../commun/api';
import { type Ecriture, type Formulaire, HEURES_ILLISIBLES, lireHeures } from '../commun/formulaire';

/**
 * Declares a placement's hours of `mois` as typed in `saisie` (French decimals), from the to-do list or the
 * placement's page: unreadable hours are refused before sending; the server's refusals land on the fields.
 * Answers the hours recorded, or null.
 */
export async function declarerHeures(
  f: Formulaire,
  formulaire: HTMLFormElement,
  placementId: string,
  mois: string,
  saisie: string,
  reussite: (heures: number) => ComponentChildren,
): Promise<number | null> {
  const h = lireHeures(saisie);
  if (h === null) {
    f.signaler(formulaire, { heures: HEURES_ILLISIBLES });
    return null;
  }
  // `envoyer` records the write's position: the reads that follow wait for it (`?apres=`).
  const r = await f.envoyer(formulaire, () => appeler<Ecriture>(`/placements/${placementId}/heures`, { methode: 'POST', corps: { mois, heures: h } }), () => reussite(h));
  return r ? h : null;
}

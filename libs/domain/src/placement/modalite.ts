import { DomainError, rule } from '../domain-error';
import { NOM_TYPE_ENTREPRISE, TYPES_MISE_A_DISPOSITION, TYPES_SIAE, type TypeEntreprise } from '../entreprise/entreprise.events';
import type { Modalite, TypeContrat } from './placement.events';

/**
 * Who may employ a person under each modalité, and with which contract (DOMAIN.md, "How the
 * clause is fulfilled"). Where DOMAIN.md is silent, the choice follows the Code du travail:
 *
 * - `embauche_directe`: the attributaire hires on a CDI, a CDD, a contrat de professionnalisation
 *   or an apprentissage. The CDDI is the insertion contract of the EI, the AI and the ACI
 *   (L5132-5, L5132-11-1, L5132-15-1), so an SIAE among the attributaires may hire on it; an ETTI
 *   may not: its insertion contract is a temporary-work mission, which is never a direct hire.
 *   No `interim` (that is a mise à disposition) and no `formation` (that is the `formation` modalité).
 * - `mise_a_disposition`: each provider with its own contract. An ETTI in `interim`; an AI in
 *   `cddi` (its people are on CDDI, not on temporary-work contracts); a GEIQ in `contrat_pro` or
 *   `apprentissage`, since a GEIQ exists to run parcours of insertion and qualification, in
 *   alternance (L1253-1): its other contracts are not the clause's mise à disposition.
 * - `sous_traitance_siae`: the SIAE employs with its insertion contract: `cddi` for an EI, AI or
 *   ACI, `interim` for an ETTI.
 * - `formation`: the `formation` contract, and the `formation` contract only there, by any
 *   attributaire (the employer rules of the other modalités do not apply to a training).
 *
 * Which employers a modalité allows is checked first, under its own code; the contract next.
 */
/** The contracts of a hire, the entreprise employing the person itself (the indicators' `embauches` too). */
export const CONTRATS_EMBAUCHE: readonly TypeContrat[] = ['cdi', 'cdd', 'contrat_pro', 'apprentissage'];
const TYPES_CDDI: readonly TypeEntreprise[] = ['ei', 'ai', 'aci'];

export function contratsAutorises(modalite: Modalite, employeur: TypeEntreprise): readonly TypeContrat[] {
  switch (modalite) {
    case 'embauche_directe':
      return TYPES_CDDI.includes(employeur) ? [...CONTRATS_EMBAUCHE, 'cddi'] : CONTRATS_EMBAUCHE;
    case 'mise_a_disposition':
      if (employeur === 'etti') return ['interim'];
      if (employeur === 'ai') return ['cddi'];
      if (employeur === 'geiq') return ['contrat_pro', 'apprentissage'];
      return [];
    case 'sous_traitance_siae':
      if (employeur === 'etti') return ['interim'];
      return TYPES_CDDI.includes(employeur) ? ['cddi'] : [];
    case 'formation':
      return ['formation'];
  }
}

const POURQUOI: Record<Modalite, string> = {
  embauche_directe:
    'une embauche directe se fait en CDI, CDD, contrat de professionnalisation ou apprentissage, et en CDDI seulement par une EI, une AI ou un ACI',
  mise_a_disposition: 'une ETTI met à disposition en intérim, une AI en CDDI, un GEIQ en contrat de professionnalisation ou en apprentissage',
  sous_traitance_siae: 'une SIAE sous-traitante ou cotraitante emploie en CDDI (EI, AI, ACI) ou en intérim (ETTI)',
  formation: 'une formation qualifiante se déclare avec le contrat formation',
};

/** The employer may work under this modalité, with this contract; else 422 with the rule's code. */
export function verifierModaliteEtContrat(modalite: Modalite, typeContrat: TypeContrat, employeur: TypeEntreprise, entrepriseId: string): void {
  if (modalite === 'mise_a_disposition') {
    rule(
      TYPES_MISE_A_DISPOSITION.includes(employeur),
      'MISE_A_DISPOSITION_NON_AUTORISEE',
      'Seules une ETTI, une AI ou un GEIQ peuvent mettre du personnel à disposition d’un attributaire.',
      { entrepriseId, type: employeur },
    );
  }
  if (modalite === 'sous_traitance_siae') {
    rule(
      TYPES_SIAE.includes(employeur),
      'SOUS_TRAITANCE_SIAE_NON_AUTORISEE',
      'La sous-traitance ou cotraitance à une SIAE suppose un employeur EI, AI, ACI ou ETTI.',
      { entrepriseId, type: employeur },
    );
  }
  const autorises = contratsAutorises(modalite, employeur);
  if (autorises.includes(typeContrat)) return;
  const pourquoi = typeContrat === 'formation' ? 'le contrat formation va seulement avec la modalité formation' : POURQUOI[modalite];
  throw new DomainError(
    'CONTRAT_INCOMPATIBLE_MODALITE',
    `Un contrat ${typeContrat} ne convient pas à la modalité ${modalite} chez un employeur de type ${NOM_TYPE_ENTREPRISE[employeur]} : ${pourquoi} ` +
      `(contrats possibles ici : ${autorises.join(', ')}).`,
    { modalite, typeContrat, type: employeur, contratsAutorises: autorises },
  );
}

import type { DomainEvent } from '../decider';

export const TYPES_DONNEUR_ORDRE = ['collectivite', 'etat', 'bailleur_social', 'etablissement_public', 'prive'] as const;
export type TypeDonneurOrdre = (typeof TYPES_DONNEUR_ORDRE)[number];

/** A buyer is known to the facilitation team. */
export type DonneurOrdreEnregistre = DomainEvent<
  'DonneurOrdreEnregistre',
  { donneurOrdreId: string; nom: string; type: TypeDonneurOrdre; region: string }
>;

export type DonneurOrdreEvent = DonneurOrdreEnregistre;

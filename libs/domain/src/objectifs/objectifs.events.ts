import type { DomainEvent } from '../decider';

/** The funder's targets for a year; fixing them again replaces the previous ones. */
export type ObjectifsFixes = DomainEvent<
  'ObjectifsFixes',
  { annee: number; heures: number; partQpvPersonnes: number; personnesEnEmploi: number }
>;

export type ObjectifsEvent = ObjectifsFixes;

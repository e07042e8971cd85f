import type { DomainEvent } from '../decider';

/** A project grouping marchés (a health centre, a tramway extension) is opened for a buyer. */
export type OperationOuverte = DomainEvent<
  'OperationOuverte',
  { operationId: string; donneurOrdreId: string; nom: string; commune: string }
>;

export type OperationEvent = OperationOuverte;

import type { Decider, DomainEvent } from '../decider';
import { DomainError } from '../domain-error';

/**
 * Placements and declarations live in their salarié's stream; these one-event streams
 * (`placement-<id>`, `declaration-<id>`) say whose stream that is, so that a request naming
 * only a placement or a declaration finds it. Written before the salarié's event: a crash in
 * between leaves a locator pointing to nothing (invisible), never an unreachable fact.
 */
export type PlacementRattache = DomainEvent<'PlacementRattache', { placementId: string; salarieId: string }>;
export type DeclarationRattachee = DomainEvent<'DeclarationRattachee', { declarationId: string; placementId: string; salarieId: string }>;
export type RattachementEvent = PlacementRattache | DeclarationRattachee;

export const placementStream = (id: string) => `placement-${id}`;
export const declarationStream = (id: string) => `declaration-${id}`;

export type Rattacher = { type: 'Rattacher'; event: RattachementEvent };
export type RattachementState = { salarieId: string | null; placementId: string | null };

export const rattachementDecider: Decider<Rattacher, RattachementEvent, RattachementState> = {
  initialState: { salarieId: null, placementId: null },
  evolve: (_state, event) => ({ salarieId: event.data.salarieId, placementId: 'placementId' in event.data ? event.data.placementId : null }),
  decide(command, state) {
    if (state.salarieId === null) return [command.event];
    if (state.salarieId === command.event.data.salarieId) return [];
    throw new DomainError('IDENTIFIANT_DEJA_UTILISE', 'Cet identifiant est déjà utilisé par un autre salarié : laissez le serveur le choisir.', {}, 'conflit');
  },
};

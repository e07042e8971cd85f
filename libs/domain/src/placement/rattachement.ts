import type { Decider, DomainEvent } from '../decider';
import { DomainError } from '../domain-error';

/**
 * Placements and declarations live in their salarié's stream; these small streams
 * (`placement-<id>`, `declaration-<id>`) say whose stream that is, so that a request naming
 * only a placement or a declaration finds it. Written once the salarié's command is decided and
 * before its event: a crash in between leaves a locator pointing to nothing (invisible), never an
 * unreachable fact. A placement request refused in the end (decided again after a concurrent
 * write) cancels the locator it wrote; a declaration's locator is right whatever happens, since
 * a declaration's id is derived from its placement and month.
 */
export type PlacementRattache = DomainEvent<'PlacementRattache', { placementId: string; salarieId: string }>;
export type DeclarationRattachee = DomainEvent<'DeclarationRattachee', { declarationId: string; placementId: string; salarieId: string }>;
export type RattachementAnnule = DomainEvent<'RattachementAnnule', { salarieId: string }>;
export type RattachementEvent = PlacementRattache | DeclarationRattachee | RattachementAnnule;

export const placementStream = (id: string) => `placement-${id}`;
export const declarationStream = (id: string) => `declaration-${id}`;

export type Rattacher = { type: 'Rattacher'; event: PlacementRattache | DeclarationRattachee };
/** Cancels the locator of a request refused in the end (a no-op when it points elsewhere). */
export type AnnulerRattachement = { type: 'AnnulerRattachement'; salarieId: string };
export type RattachementCommand = Rattacher | AnnulerRattachement;
export type RattachementState = { salarieId: string | null; placementId: string | null };

export const rattachementDecider: Decider<RattachementCommand, RattachementEvent, RattachementState> = {
  initialState: { salarieId: null, placementId: null },
  evolve: (_state, event) =>
    event.type === 'RattachementAnnule'
      ? { salarieId: null, placementId: null }
      : { salarieId: event.data.salarieId, placementId: 'placementId' in event.data ? event.data.placementId : null },
  decide(command, state) {
    if (command.type === 'AnnulerRattachement') {
      return state.salarieId === command.salarieId ? [{ type: 'RattachementAnnule', data: { salarieId: command.salarieId } }] : [];
    }
    if (state.salarieId === null) return [command.event];
    if (state.salarieId === command.event.data.salarieId) return [];
    throw new DomainError('IDENTIFIANT_DEJA_UTILISE', 'Cet identifiant est déjà utilisé par un autre salarié : laissez le serveur le choisir.', {}, 'conflit');
  },
};

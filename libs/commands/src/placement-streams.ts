import { marcheDecider, marcheStream, rattachementDecider, type DeclarationRattachee, type MarcheState, type MarcheVu, type PlacementRattache } from '@suivi/domain';
import type { CommandContext } from './command-context';
import type { CommandExecutor, NewStreamPart, Reservation } from './command-executor';

/**
 * What placement commands read and write besides the salarié's own stream, shared by the
 * HTTP handlers and the timesheet import: the marché as the rules need it, and the locators.
 */

/** The marché as a placement command needs it, read at command time; null when unknown. */
export async function marcheVu(executor: CommandExecutor, marcheId: string): Promise<MarcheVu | null> {
  const { state } = await executor.load(marcheDecider, marcheStream(marcheId));
  return marcheVuDe(marcheId, state);
}

/** The marché as a placement command needs it, from its folded state (also where the state is held in memory); null when unknown. */
export function marcheVuDe(marcheId: string, state: MarcheState | undefined): MarcheVu | null {
  if (!state?.existe) return null;
  return {
    marcheId,
    dateDebut: state.dateDebut,
    dateFin: state.dateFin,
    dateCloture: state.dateCloture,
    attributaires: state.attributaires.map((a) => a.entrepriseId),
  };
}

/** Which salarié's stream holds a placement or a declaration, from its locator stream; null when none. */
export async function localiserRattachement(executor: CommandExecutor, streamId: string): Promise<{ salarieId: string; placementId: string | null } | null> {
  const { state } = await executor.load(rattachementDecider, streamId);
  return state.salarieId === null ? null : { salarieId: state.salarieId, placementId: state.placementId };
}

/**
 * Writes a locator before the salarié's event it points to (a no-op when already written), and
 * answers how to cancel it if the request is refused in the end: unless `landed` says the fact it
 * points to exists after all (a concurrent request with the same id wrote it). A null `landed`
 * means the locator is right whatever happens (a declaration's id is its placement and month),
 * so it is never cancelled. Its events get ids of their own, not the request's: the decider makes
 * it idempotent, and a request refused then sent again with the same key must write it again.
 */
export async function rattacher(
  executor: CommandExecutor,
  streamId: string,
  event: PlacementRattache | DeclarationRattachee,
  context: CommandContext,
  landed: (() => Promise<boolean>) | null,
): Promise<Reservation | null> {
  const locatorContext = { ...context, expectedRevision: undefined, idempotencySeed: undefined };
  // A locator is new unless the same request came before: no read first (executeOnBelievedNewStream).
  const { events } = await executor.executeOnBelievedNewStream({
    streamId,
    decider: rattachementDecider,
    context: locatorContext,
    command: () => ({ type: 'Rattacher' as const, event }),
  });
  if (events.length === 0 || landed === null) return null;
  return {
    release: async () => {
      if (await landed()) return;
      await executor.execute({
        streamId,
        decider: rattachementDecider,
        context: locatorContext,
        command: () => ({ type: 'AnnulerRattachement' as const, salarieId: event.data.salarieId }),
      });
    },
  };
}

/**
 * A locator that is right whatever happens (a declaration's), written in the same append as the
 * salarié's event (Execution.alongsideNew); `rattacher` with a null `landed` remains the way when
 * it exists already. Its events get ids of their own, as `rattacher`'s.
 */
export function nouveauRattachement(streamId: string, event: PlacementRattache | DeclarationRattachee): NewStreamPart {
  return { streamId, decider: rattachementDecider, command: { type: 'Rattacher' as const, event } };
}

/** What never changes about a placement once it is in its salarié's stream: whose it is, and its marché. */
export interface PlacementConnu {
  salarieId: string;
  marcheId: string;
}

/** How many placements are remembered; the oldest goes first beyond it (about 150 bytes each). */
const PLACEMENTS_CONNUS_MAX = 50_000;

/**
 * Placements seen in their salarié's stream, by id: a command on a known placement reads the
 * salarié's stream without reading the locator first, and the marché alongside it rather than
 * after it. Only what a salarié's stream showed is kept, and it never changes (a placement's
 * PlacementDemarre is never rewritten), so the hint is always right; the decision still reads the
 * salarié's stream and the marché at command time.
 */
export class PlacementsConnus {
  private readonly connus = new Map<string, PlacementConnu>();

  get(placementId: string): PlacementConnu | undefined {
    return this.connus.get(placementId);
  }

  /** Call with what the salarié's stream shows (the placement in its folded state), never with a locator's word. */
  retenir(placementId: string, connu: PlacementConnu): void {
    if (this.connus.has(placementId)) return;
    if (this.connus.size >= PLACEMENTS_CONNUS_MAX) this.connus.delete(this.connus.keys().next().value as string);
    this.connus.set(placementId, connu);
  }
}

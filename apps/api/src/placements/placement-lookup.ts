import { NotFoundException } from '@nestjs/common';
import type { CommandContext, CommandExecutor, Reservation } from '@suivi/commands';
import {
  marcheDecider,
  marcheStream,
  rattachementDecider,
  type DeclarationRattachee,
  type MarcheVu,
  type PlacementRattache,
  type SalarieState,
} from '@suivi/domain';

export const PLACEMENT_INTROUVABLE = ['PLACEMENT_INTROUVABLE', "Aucun placement ne porte cet identifiant : vérifiez l'URL."] as const;
export const placementIntrouvable = () => new NotFoundException({ code: PLACEMENT_INTROUVABLE[0], message: PLACEMENT_INTROUVABLE[1] });

/** The marché as a placement command needs it, read at command time; null when unknown. */
export async function marcheVu(executor: CommandExecutor, marcheId: string): Promise<MarcheVu | null> {
  const { state } = await executor.load(marcheDecider, marcheStream(marcheId));
  if (!state.existe) return null;
  return {
    marcheId,
    dateDebut: state.dateDebut,
    dateFin: state.dateFin,
    dateCloture: state.dateCloture,
    attributaires: state.attributaires.map((a) => a.entrepriseId),
  };
}

/** Which salarié's stream holds a placement or a declaration (from its locator stream), or 404. */
export async function localiser(
  executor: CommandExecutor,
  streamId: string,
  code: string,
  message: string,
): Promise<{ salarieId: string; placementId: string | null }> {
  const { state } = await executor.load(rattachementDecider, streamId);
  if (state.salarieId === null) throw new NotFoundException({ code, message });
  return { salarieId: state.salarieId, placementId: state.placementId };
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
  const { events } = await executor.execute({ streamId, decider: rattachementDecider, context: locatorContext, command: () => ({ type: 'Rattacher' as const, event }) });
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
 * The marché of a placement of this salarié. A locator without its placement (a crash between
 * the two appends) reads as an unknown placement.
 */
export async function marcheDuPlacement(executor: CommandExecutor, state: SalarieState, placementId: string): Promise<MarcheVu> {
  const placement = state.existe ? state.placements[placementId] : undefined;
  if (!placement) throw placementIntrouvable();
  const marche = await marcheVu(executor, placement.marcheId);
  if (!marche) throw new Error(`placement ${placementId} refers to marché ${placement.marcheId}, whose stream is empty`);
  return marche;
}

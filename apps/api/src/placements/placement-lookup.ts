import { NotFoundException } from '@nestjs/common';
import { localiserRattachement, marcheVu, type CommandExecutor } from '@suivi/commands';
import type { MarcheVu, SalarieState } from '@suivi/domain';

export const PLACEMENT_INTROUVABLE = ['PLACEMENT_INTROUVABLE', "Aucun placement ne porte cet identifiant : vérifiez l'URL."] as const;
export const placementIntrouvable = () => new NotFoundException({ code: PLACEMENT_INTROUVABLE[0], message: PLACEMENT_INTROUVABLE[1] });

/** Which salarié's stream holds a placement or a declaration (from its locator stream), or 404. */
export async function localiser(
  executor: CommandExecutor,
  streamId: string,
  code: string,
  message: string,
): Promise<{ salarieId: string; placementId: string | null }> {
  const found = await localiserRattachement(executor, streamId);
  if (!found) throw new NotFoundException({ code, message });
  return found;
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

import { NotFoundException } from '@nestjs/common';
import { localiserRattachement, marcheVu, type CommandExecutor, type PlacementsConnus } from '@suivi/commands';
import { placementStream, type MarcheVu, type SalarieState } from '@suivi/domain';

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

/** A marché read ahead, alongside the salarié's stream: used only if the placement is still on it. */
export interface MarcheEnAvance {
  marcheId: string;
  vu: Promise<MarcheVu | null>;
}

/**
 * The salarié's stream that holds a placement (or 404) and, for a placement already seen there
 * (PlacementsConnus), its marché being read meanwhile: two round trips less in a row.
 */
export async function localiserPlacement(
  executor: CommandExecutor,
  connus: PlacementsConnus,
  placementId: string,
): Promise<{ salarieId: string; marcheEnAvance: MarcheEnAvance | null }> {
  const connu = connus.get(placementId);
  if (!connu) return { salarieId: (await localiser(executor, placementStream(placementId), ...PLACEMENT_INTROUVABLE)).salarieId, marcheEnAvance: null };
  const vu = marcheVu(executor, connu.marcheId);
  // Awaited by marcheDuPlacement, unless the decision stops before it needs the marché.
  vu.catch(() => undefined);
  return { salarieId: connu.salarieId, marcheEnAvance: { marcheId: connu.marcheId, vu } };
}

/**
 * The marché of a placement of this salarié (the one read ahead if it is that placement's), and
 * the placement remembered in `connus`. A locator without its placement (a crash between the two
 * appends) reads as an unknown placement.
 */
export async function marcheDuPlacement(
  executor: CommandExecutor,
  state: SalarieState,
  placementId: string,
  { connus, enAvance }: { connus?: PlacementsConnus; enAvance?: MarcheEnAvance | null } = {},
): Promise<MarcheVu> {
  const placement = state.existe ? state.placements[placementId] : undefined;
  if (!state.existe || !placement) throw placementIntrouvable();
  connus?.retenir(placementId, { salarieId: state.salarieId, marcheId: placement.marcheId });
  const marche = await (enAvance?.marcheId === placement.marcheId ? enAvance.vu : marcheVu(executor, placement.marcheId));
  if (!marche) throw new Error(`placement ${placementId} refers to marché ${placement.marcheId}, whose stream is empty`);
  return marche;
}

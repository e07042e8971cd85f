import { masque } from './formats';

/** `secretStatistique` of the figure routes: absent for callers who see identities. */
export interface Secret {
  seuil: number;
  masques: string[];
}

/** A note under a chart naming the bars left out because their group is too small to be shown. */
export function NoteMasques({ noms, seuil }: { noms: string[]; seuil?: number }) {
  if (noms.length === 0) return null;
  return (
    <p class="note-masque">
      Non tracé{noms.length > 1 ? 's' : ''} car moins de {seuil ?? 5} personnes (secret statistique, {masque(seuil)}) : {noms.join(', ')}.
    </p>
  );
}

import type { ComponentChildren } from 'preact';
import type { Chargement } from './donnees';

/** What a page shows while its data loads, when it fails, and once it is there. */
export function Etat<T>({ de, children }: { de: Chargement<T>; children: (donnees: T) => ComponentChildren }) {
  if (de.erreur) {
    return (
      <div class="alerte alerte-erreur" role="alert">
        <p>{de.erreur.message}</p>
        <button type="button" onClick={de.recharger}>
          Réessayer
        </button>
      </div>
    );
  }
  if (de.donnees === null) {
    return (
      <p class="chargement" role="status" aria-live="polite">
        Chargement…
      </p>
    );
  }
  return <>{children(de.donnees)}</>;
}

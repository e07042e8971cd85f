import { useEffect, useState } from 'preact/hooks';
import { appeler, ErreurApi } from './api';

export interface Chargement<T> {
  donnees: T | null;
  erreur: ErreurApi | null;
  chargement: boolean;
  recharger: () => void;
}

/** Reads `chemin` (again when it changes); `apres` makes the read wait for the caller's last write. */
export function useDonnees<T>(chemin: string | null, apres?: number | null): Chargement<T> {
  const [etat, setEtat] = useState<{ donnees: T | null; erreur: ErreurApi | null; chargement: boolean }>({ donnees: null, erreur: null, chargement: chemin !== null });
  const [tour, setTour] = useState(0);
  useEffect(() => {
    if (chemin === null) return;
    let actuel = true;
    setEtat((e) => ({ ...e, chargement: true, erreur: null }));
    appeler<T>(chemin, { apres })
      .then((donnees) => actuel && setEtat({ donnees, erreur: null, chargement: false }))
      .catch((erreur: unknown) => actuel && setEtat({ donnees: null, erreur: erreur instanceof ErreurApi ? erreur : new ErreurApi(0, 'INCONNUE', String(erreur), null), chargement: false }));
    return () => {
      actuel = false;
    };
  }, [chemin, apres, tour]);
  return { ...etat, recharger: () => setTour((t) => t + 1) };
}

/** The log position of the last write of this tab: reads after it pass it as `?apres=`. */
let derniereEcriture: number | null = null;
export const positionEcrite = () => derniereEcriture;
export function ecrit(position: number | null | undefined): void {
  if (position && (derniereEcriture === null || position > derniereEcriture)) derniereEcriture = position;
}

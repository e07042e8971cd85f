import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErreurApi } from './api';
import { ecrit } from './donnees';

/** Forms: hours typed the French way, field errors from a 400's details, the 422/409 message on top, a status on success. */

/**
 * Hours typed the French way ("151,67", "151.67", "1 234,5") as the JSON number the API wants;
 * null when it is not a number (the form then says so without calling the server).
 */
export function lireHeures(texte: string): number | null {
  const propre = texte.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(propre)) return null;
  return Number(propre);
}
export const HEURES_ILLISIBLES = 'Saisissez un nombre d’heures, par exemple 151,67.';

export interface Ecriture {
  id: string;
  revision: number;
  position: number;
}

export interface Formulaire {
  envoi: boolean;
  alerte: string | null;
  succes: ComponentChildren;
  erreur: (champ: string) => string | undefined;
  /** Sends, then records the write's position (later reads pass `?apres=`) and shows `reussite`. */
  envoyer: <T>(formulaire: HTMLFormElement, action: () => Promise<T>, reussite: (r: T) => ComponentChildren) => Promise<T | null>;
  /** Errors found before sending (a number that is not one). */
  signaler: (formulaire: HTMLFormElement, erreurs: Record<string, string>) => void;
  effacer: () => void;
}

/** After a refusal: the first field in error takes the focus, else the alert, so that it is read. */
function focaliserErreur(formulaire: HTMLFormElement) {
  setTimeout(() => {
    const cible = formulaire.querySelector<HTMLElement>('[aria-invalid="true"]') ?? formulaire.querySelector<HTMLElement>('[role="alert"]');
    cible?.focus();
  });
}

export function useFormulaire(): Formulaire {
  const [envoi, setEnvoi] = useState(false);
  const [erreurs, setErreurs] = useState<Record<string, string>>({});
  const [alerte, setAlerte] = useState<string | null>(null);
  const [succes, setSucces] = useState<ComponentChildren>(null);

  const effacer = () => {
    setErreurs({});
    setAlerte(null);
    setSucces(null);
  };

  return {
    envoi,
    alerte,
    succes,
    // Nested fields come dotted (`criteres.0`): they belong to their field.
    erreur: (champ) => erreurs[champ] ?? Object.entries(erreurs).find(([c]) => c.startsWith(`${champ}.`))?.[1],
    effacer,
    signaler: (formulaire, locales) => {
      setErreurs(locales);
      setAlerte('Le formulaire contient des erreurs : corrigez les champs signalés.');
      setSucces(null);
      focaliserErreur(formulaire);
    },
    envoyer: async (formulaire, action, reussite) => {
      effacer();
      setEnvoi(true);
      try {
        const resultat = await action();
        const position = (resultat as { position?: number } | null)?.position;
        ecrit(position);
        setSucces(reussite(resultat));
        return resultat;
      } catch (e) {
        const erreur = e instanceof ErreurApi ? e : new ErreurApi(0, 'INCONNUE', String(e), null);
        const champs = erreur.parChamp;
        // A business rule may name its field too (`details: { champ, … }`).
        const details = erreur.details as { champ?: unknown } | null;
        if (erreur.statut !== 400 && details && typeof details === 'object' && typeof details.champ === 'string') champs[details.champ] = erreur.message;
        setErreurs(champs);
        setAlerte(erreur.statut === 400 && Object.keys(champs).length > 0 ? 'Le formulaire contient des erreurs : corrigez les champs signalés.' : erreur.message);
        focaliserErreur(formulaire);
        return null;
      } finally {
        setEnvoi(false);
      }
    },
  };
}

/** The top of every form: the refusal (alert), or what was recorded (status, always present so that it is announced). */
export function Retour({ f, id }: { f: Formulaire; id?: string }) {
  return (
    <>
      {f.alerte && (
        <div class="alerte alerte-erreur" role="alert" tabIndex={-1}>
          {f.alerte}
        </div>
      )}
      <div id={id} role="status" tabIndex={-1} class={f.succes ? 'alerte alerte-succes' : 'statut-vide'}>
        {f.succes}
      </div>
    </>
  );
}

export interface AttributsChamp {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** A label bound to its input, its help and its error under it (the input gets aria-invalid and aria-describedby). */
export function Champ({ id, libelle, erreur, aide, children }: { id: string; libelle: ComponentChildren; erreur?: string; aide?: ComponentChildren; children: (a: AttributsChamp) => ComponentChildren }) {
  const decrit = [aide ? `${id}-aide` : '', erreur ? `${id}-erreur` : ''].filter(Boolean).join(' ');
  return (
    <div class="champ">
      <label for={id}>{libelle}</label>
      {aide && (
        <p id={`${id}-aide`} class="aide">
          {aide}
        </p>
      )}
      {children({ id, 'aria-invalid': erreur ? true : undefined, 'aria-describedby': decrit || undefined })}
      {erreur && (
        <p id={`${id}-erreur`} class="erreur-champ">
          {erreur}
        </p>
      )}
    </div>
  );
}

import { jeton, terminerSession } from './session';

/** An answer of the API that is not a success: its stable code, its French message, its details. */
export class ErreurApi extends Error {
  constructor(
    readonly statut: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** The field errors of a 400 (`details: [{ champ, message }]`), by field. */
  get parChamp(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    const champs: Record<string, string> = {};
    for (const d of this.details as Array<{ champ?: string; message?: string }>) if (d.champ && d.message) champs[d.champ] ??= d.message;
    return champs;
  }
}

export interface Options {
  methode?: 'GET' | 'POST' | 'PUT';
  corps?: unknown;
  formulaire?: FormData;
  /** Read-your-writes: the read waits until the read side holds this log position. */
  apres?: number | null;
}

/** Every call of the application to `/api`: the session's token, JSON in and out, errors as ErreurApi. */
export async function appeler<T>(chemin: string, options: Options = {}): Promise<T> {
  const url = new URL(`/api${chemin}`, window.location.origin);
  if (options.apres) url.searchParams.set('apres', String(options.apres));
  const entetes: Record<string, string> = { Accept: 'application/json' };
  const t = jeton();
  if (t) entetes.Authorization = `Bearer ${t}`;
  let corps: BodyInit | undefined;
  if (options.formulaire) corps = options.formulaire;
  else if (options.corps !== undefined) {
    entetes['Content-Type'] = 'application/json';
    corps = JSON.stringify(options.corps);
  }
  let reponse: Response;
  try {
    reponse = await fetch(url, { method: options.methode ?? 'GET', headers: entetes, body: corps });
  } catch {
    throw new ErreurApi(0, 'RESEAU', 'Le service ne répond pas : vérifiez votre connexion, puis réessayez.', null);
  }
  const texte = await reponse.text();
  const donnees = texte ? (JSON.parse(texte) as unknown) : null;
  if (reponse.ok) return donnees as T;
  const erreur = (donnees ?? {}) as { code?: string; message?: string; details?: unknown };
  // A token refused (expired, user disabled, password changed): the session is over, with the reason.
  if (reponse.status === 401 && chemin !== '/auth/connexion') terminerSession(erreur.message ?? 'Votre session a pris fin : reconnectez-vous.');
  throw new ErreurApi(reponse.status, erreur.code ?? `HTTP_${reponse.status}`, erreur.message ?? `Erreur ${reponse.status}.`, erreur.details ?? null);
}

/** A file of the API (CSV, XLSX) saved by the browser under its own name. */
export async function telecharger(chemin: string, nom: string): Promise<void> {
  const t = jeton();
  const reponse = await fetch(`/api${chemin}`, { headers: t ? { Authorization: `Bearer ${t}` } : {} });
  if (!reponse.ok) {
    const erreur = (await reponse.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ErreurApi(reponse.status, erreur.code ?? `HTTP_${reponse.status}`, erreur.message ?? `Erreur ${reponse.status}.`, null);
  }
  const lien = document.createElement('a');
  lien.href = URL.createObjectURL(await reponse.blob());
  lien.download = nom;
  document.body.append(lien);
  lien.click();
  lien.remove();
  setTimeout(() => URL.revokeObjectURL(lien.href), 10_000);
}

import { signal } from '@preact/signals';

/** Who is signed in, as `GET /api/auth/moi` answers. */
export interface Moi {
  utilisateurId: string;
  identifiant: string;
  role: 'facilitatrice' | 'acheteur' | 'coordination' | 'auditeur' | 'admin';
  donneurOrdreId: string | null;
  voitIdentites: boolean;
  seuilSecretStatistique: number | null;
}

// The token lives for the tab only (sessionStorage): closing the tab signs out.
const CLE = 'suivi-clauses.jeton';

export const utilisateur = signal<Moi | null>(null);
/** Why the last session ended, shown on the sign-in page. */
export const finDeSession = signal<string | null>(null);

export function jeton(): string | null {
  return sessionStorage.getItem(CLE);
}

export function ouvrirSession(nouveau: string, moi: Moi): void {
  sessionStorage.setItem(CLE, nouveau);
  finDeSession.value = null;
  utilisateur.value = moi;
}

export function terminerSession(raison: string | null = null): void {
  sessionStorage.removeItem(CLE);
  finDeSession.value = raison;
  utilisateur.value = null;
}

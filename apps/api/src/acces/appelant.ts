import type { Request } from 'express';
import type { Role } from '@suivi/domain';

/** The signed-in caller, as their stream says at this request (set by AccesGuard). */
export interface Appelant {
  utilisateurId: string;
  identifiant: string;
  role: Role;
  /** An acheteur's donneur d'ordre; null for every other role. */
  donneurOrdreId: string | null;
}

export interface RequeteAuthentifiee extends Request {
  appelant?: Appelant;
}

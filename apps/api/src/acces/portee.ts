import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '@suivi/config';
import type { Appelant, RequeteAuthentifiee } from './appelant';

/**
 * What a caller may see of the rows a route reads, derived from their role by one function:
 * queries filter with it, controllers only hand it over.
 */
export interface Portee {
  /** Set for an acheteur: only this donneur d'ordre's rows exist for them (others answer 404). */
  donneurOrdreId: string | null;
  /** Salariés' names, birth dates and addresses: facilitatrices, and admins when configured. */
  voitIdentites: boolean;
  /** Counts of people under this threshold are masked (null: the caller sees identities, nothing is masked). */
  seuilSecretStatistique: number | null;
}

/** Matches no donneur d'ordre: an acheteur without one (the domain forbids it) sees nothing rather than everything. */
const AUCUN_DONNEUR_ORDRE = '00000000-0000-0000-0000-000000000000';

export function porteeDe(appelant: Appelant, config: Pick<AppConfig, 'ADMIN_SEES_IDENTITIES' | 'SMALL_GROUP_THRESHOLD'>): Portee {
  const voitIdentites = appelant.role === 'facilitatrice' || (appelant.role === 'admin' && config.ADMIN_SEES_IDENTITIES);
  return {
    donneurOrdreId: appelant.role === 'acheteur' ? (appelant.donneurOrdreId ?? AUCUN_DONNEUR_ORDRE) : null,
    voitIdentites,
    seuilSecretStatistique: voitIdentites ? null : config.SMALL_GROUP_THRESHOLD,
  };
}

/**
 * Whether a row of this donneur d'ordre exists for the caller: the one test of every read by id. Out of
 * scope reads exactly as unknown (same 404), so nobody learns that another donneur d'ordre's row exists.
 */
export function dansLaPortee(portee: Portee, donneurOrdreId: string | null | undefined): boolean {
  return portee.donneurOrdreId === null || portee.donneurOrdreId === donneurOrdreId;
}

/**
 * A perimeter of the projections' queries narrowed to the caller's scope: every query reading marchés
 * (`filtre` in libs/projections/src/indicateurs/indicateurs.queries.ts) adds it to the filters asked, so a
 * filter outside the scope matches nothing, exactly like an unknown id, and lists, totals and pages only
 * ever hold the caller's rows.
 */
export function restreindre<P extends object>(perimetre: P, portee: Portee): P & { porteeDonneurOrdreId?: string } {
  return portee.donneurOrdreId === null ? perimetre : { ...perimetre, porteeDonneurOrdreId: portee.donneurOrdreId };
}

/** The caller's Portee, computed by AccesGuard for this request. */
export const PorteeDeLAppelant = createParamDecorator((_data: unknown, ctx: ExecutionContext): Portee => {
  const portee = ctx.switchToHttp().getRequest<RequeteAuthentifiee & { portee?: Portee }>().portee;
  if (!portee) throw new Error('PorteeDeLAppelant used on a public route');
  return portee;
});

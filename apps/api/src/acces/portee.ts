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

export function porteeDe(appelant: Appelant, config: Pick<AppConfig, 'ADMIN_SEES_IDENTITIES' | 'SMALL_GROUP_THRESHOLD'>): Portee {
  const voitIdentites = appelant.role === 'facilitatrice' || (appelant.role === 'admin' && config.ADMIN_SEES_IDENTITIES);
  return {
    donneurOrdreId: appelant.role === 'acheteur' ? appelant.donneurOrdreId : null,
    voitIdentites,
    seuilSecretStatistique: voitIdentites ? null : config.SMALL_GROUP_THRESHOLD,
  };
}

/** The caller's Portee, computed by AccesGuard for this request. */
export const PorteeDeLAppelant = createParamDecorator((_data: unknown, ctx: ExecutionContext): Portee => {
  const portee = ctx.switchToHttp().getRequest<RequeteAuthentifiee & { portee?: Portee }>().portee;
  if (!portee) throw new Error('PorteeDeLAppelant used on a public route');
  return portee;
});

import type { Role } from '@suivi/domain';

/**
 * Who may do what: the one table every route is checked against (by AccesGuard). A route
 * declares the action it performs with @Autorise(action); which rows a caller then sees is
 * their Portee (see portee.ts), applied by the queries.
 */
export const POLITIQUE = {
  /** Any signed-in user: who am I. */
  connecte: ['facilitatrice', 'acheteur', 'coordination', 'auditeur', 'admin'],
  /** Every recorded fact (commands): the facilitation team only. */
  ecrire: ['facilitatrice', 'admin'],
  /** Users and their roles. */
  gererUtilisateurs: ['admin'],
  /** Donneurs d'ordre, opérations, marchés and their compliance (an acheteur: their own donneur d'ordre's only). */
  lireMarches: ['facilitatrice', 'admin', 'auditeur', 'acheteur'],
  /** Indicators, series and the yearly report (an acheteur: their own donneur d'ordre's, without asking). */
  lireIndicateurs: ['facilitatrice', 'admin', 'auditeur', 'acheteur'],
  /** The team's reference data: entreprises, calibrations, the trades table. */
  lireReferentiel: ['facilitatrice', 'admin', 'auditeur'],
  /** Salariés and placements (identities: see voitIdentites). */
  lirePersonnes: ['facilitatrice', 'admin', 'auditeur'],
  /** The regional coordination's own projection and indicators. */
  lireCoordination: ['coordination', 'facilitatrice', 'admin', 'auditeur'],
  /** The audit: streams and the log with their metadata, states at a past instant, the read models' verification. */
  auditer: ['auditeur', 'admin'],
  /** The national consolidation export: the team's whole activity, for the national network. */
  exporterConsolidation: ['facilitatrice', 'admin', 'auditeur'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof POLITIQUE;

export function autorise(role: Role, action: Action): boolean {
  return (POLITIQUE[action] as readonly Role[]).includes(role);
}

/**
 * What kind of refusal a rule breach is; the API maps it to a status:
 * `regle` → 422, `introuvable` → 404, `conflit` → 409.
 */
export type DomainErrorKind = 'regle' | 'introuvable' | 'conflit';

/** A broken business rule: a stable code, a French message saying what to fix. Never a crash. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly kind: DomainErrorKind = 'regle',
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function rule(condition: boolean, code: string, message: string, details?: Record<string, unknown>): void {
  if (!condition) throw new DomainError(code, message, details);
}

export function notFound(code: string, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details, 'introuvable');
}

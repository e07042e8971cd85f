import { isResourceExhaustion, isUnavailability } from '@suivi/event-store';

/**
 * SQLSTATEs that mean "try the same thing again" without the database being down: a
 * serialization failure or a deadlock victim says nothing about the event being applied.
 */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Whether a failure is the database's (down, restarting, unreachable, a dropped connection, out of disk
 * or memory) rather than the event's: those are retried with a backoff and never stop a projection at an
 * event. The causes are the ones the API answers 503 for.
 */
export function isTransientFailure(error: unknown): boolean {
  if (isUnavailability(error) || isResourceExhaustion(error)) return true;
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** The error's own message, without the stack, bounded so that a huge one cannot bloat the checkpoint row. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 1_000 ? `${message.slice(0, 1_000)}…` : message;
}

/** Pause before the `attempt`-th retry (from 1): doubling from `first` up to `max`, jittered in its upper half. */
export function backoffMs(attempt: number, first: number, max: number): number {
  const ceiling = Math.min(max, first * 2 ** Math.min(attempt - 1, 20));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

import type { ExpectedRevision } from './event-store.port';

/** Raised when the stream's actual revision does not match the expected one (HTTP 409 above). */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'CONFLIT_DE_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | null,
  ) {
    super(
      `Stream ${streamId}: expected revision ${String(expected)}, actual ${actual === null ? 'no stream' : actual}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Raised when some, but not all, of the appended event ids were already written, or at another place. */
export class IdempotencyViolationError extends Error {
  readonly code = 'IDEMPOTENCE_VIOLEE';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
  ) {
    super(`Stream ${streamId}: events ${eventIds.join(', ')} were already appended elsewhere or partially`);
    this.name = 'IdempotencyViolationError';
  }
}

export class InvalidAppendError extends Error {
  readonly code = 'AJOUT_INVALIDE';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

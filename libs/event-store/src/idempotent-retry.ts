import type { AppendResult, EventToAppend, ExpectedRevision } from './event-store.port';
import { IdempotencyViolationError, WrongExpectedRevisionError } from './errors';

/** An event of the store whose id is among those being appended. */
export interface AlreadyStored {
  eventId: string;
  streamId: string;
  revision: number;
  position: number;
}

/**
 * The idempotent-retry rule every adapter applies: if the appended event ids are exactly the
 * stream's events at the place this append targets, the answer is the first append's answer
 * (nothing is written); a partial or misplaced repeat is refused. Null when none is stored.
 */
export function answerOfRetry(
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
  current: number | null,
  stored: AlreadyStored[],
): AppendResult | null {
  if (stored.length === 0) return null;
  // Stores answer uuids in lower case, whatever case the client used.
  const byId = new Map(stored.map((e) => [e.eventId.toLowerCase(), e]));
  const at = (i: number) => byId.get(events[i].eventId.toLowerCase());
  const first = at(0);
  const samePlace =
    stored.length === events.length &&
    first !== undefined &&
    events.every((_, i) => at(i)?.streamId === streamId && at(i)?.revision === first.revision + i);
  if (!samePlace) throw new IdempotencyViolationError(streamId, stored.map((e) => e.eventId));
  const targeted = typeof expected === 'number' ? first.revision === expected + 1 : expected === 'no_stream' ? first.revision === 0 : true;
  if (!targeted) throw new WrongExpectedRevisionError(streamId, expected, current);
  const last = at(events.length - 1)!;
  return { nextRevision: last.revision, position: last.position };
}

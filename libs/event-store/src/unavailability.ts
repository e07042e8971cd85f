/**
 * Whether an error means "the database (or the event store) cannot be reached right now", as
 * opposed to a refused statement: the first is a 503 and a retry, the second a bug or bad data.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** PostgreSQL SQLSTATEs of a server going away or not accepting connections yet. */
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300)$/;

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is not established',
  'the database system is shutting down',
  'the database system is starting up',
];

/** `type` of @eventstore/db-client's errors when the EventStoreDB node is down or unreachable. */
const EVENTSTORE_UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'not-leader']);

export function isUnavailability(error: unknown): boolean {
  return someCause(error, (e) => {
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.test(e.code))) return true;
    if (typeof e.type === 'string' && EVENTSTORE_UNAVAILABLE.has(e.type)) return true;
    return typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => (e.message as string).includes(m));
  });
}

/**
 * PostgreSQL's "insufficient resources" SQLSTATEs but too many connections (an unavailability above): the server
 * is up but cannot do this now, for want of disk (53100), memory (53200) or a configured limit (53000, 53400).
 * Nothing of the statement is written; the same request succeeds once an operator gives the room back.
 */
const EXHAUSTED_SQLSTATES = /^(53000|53100|53200|53400)$/;

/** Whether an error is the database's lack of room (disk full, out of memory): a 503 and a retry, never a fault of the data. */
export function isResourceExhaustion(error: unknown): boolean {
  return someCause(error, (e) => typeof e.code === 'string' && EXHAUSTED_SQLSTATES.test(e.code));
}

interface Cause {
  code?: unknown;
  message?: unknown;
  type?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Whether `error` or one of its causes matches: TypeORM wraps the driver's error (`driverError`), Node's
 * AggregateError (connect to several addresses) lists them (`errors`), and errors may carry a `cause`.
 */
function someCause(error: unknown, matches: (e: Cause) => boolean, seen = 0): boolean {
  if (!error || typeof error !== 'object' || seen > 5) return false;
  const e = error as Cause;
  if (matches(e)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => someCause(inner, matches, seen + 1))) return true;
  return someCause(e.driverError, matches, seen + 1) || someCause(e.cause, matches, seen + 1);
}

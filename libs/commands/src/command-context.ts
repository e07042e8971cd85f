/** Who asks, when, and under which HTTP preconditions: carried by every command into its events' metadata. */
export interface CommandContext {
  userId: string;
  correlationId: string;
  causationId: string | null;
  now: Date;
  /** From `If-Match`: the target stream must be at exactly this revision (no retry on conflict). */
  expectedRevision?: number;
  /**
   * From `Idempotency-Key`: event ids (and server-made ids) derive from it, so a retry of the
   * same request after a crash finds its events already appended instead of appending twice.
   */
  idempotencySeed?: string;
}

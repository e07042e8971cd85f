import type { EntityManager } from 'typeorm';
import { PROJECTION_PLANNER_SETTINGS, quoteIdent } from './projection';
import { RESET_CHANNEL } from './projection-lock';

/**
 * `generation` grows at every reset; a runner that sees another generation than the one it
 * started with knows its in-memory position is stale and restarts from the stored one.
 * `errorPosition` is the event the projection is stopped at (see `recordProjectionError`), or null.
 */
export interface Checkpoint {
  position: number;
  generation: number;
  errorPosition?: number | null;
  /** When some process last tried the event it is stopped at. */
  errorAttemptAt?: Date | null;
}

/** The event a projection could not apply: it stays stopped just before it until it applies. */
export interface ProjectionError {
  position: number;
  eventType: string;
  eventId: string;
  message: string;
  /** First failure on this event. */
  since: Date;
  lastAttemptAt: Date;
  attempts: number;
}

export interface CheckpointState {
  position: number;
  error: ProjectionError | null;
}

export async function ensureCheckpoint(tx: EntityManager, name: string): Promise<void> {
  await tx.query(`INSERT INTO projections.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
}

/** Reads the checkpoint and locks its row until the end of the transaction. */
export async function lockCheckpoint(tx: EntityManager, name: string): Promise<Checkpoint> {
  await ensureCheckpoint(tx, name);
  const rows: Array<{ position: string; generation: number; error_position: string | null; error_attempt_at: Date | null }> = await tx.query(
    `SELECT position, generation, error_position, error_attempt_at FROM projections.checkpoints WHERE name = $1 FOR UPDATE`,
    [name],
  );
  const { position, generation, error_position, error_attempt_at } = rows[0];
  return {
    position: Number(position),
    generation,
    errorPosition: error_position === null ? null : Number(error_position),
    errorAttemptAt: error_attempt_at,
  };
}

/** Advancing the checkpoint means the event it was stopped at (the next one) has been applied: the error goes. */
export async function saveCheckpoint(tx: EntityManager, name: string, position: number): Promise<void> {
  await tx.query(
    `UPDATE projections.checkpoints SET position = $2, updated_at = now(), ${CLEAR_ERROR} WHERE name = $1`,
    [name, position],
  );
}

/**
 * Advances the checkpoint from `expected` to `position` and takes its row lock, in one statement
 * (within a transaction: first, so that the batch's writes and the advance commit together, the
 * row locked meanwhile as `lockCheckpoint` does); with `schema`, also points the transaction's
 * search_path there and prices pages as cached (`useSchema`). False when the stored checkpoint is
 * not `expected` any more (a reset, or another runner): nothing was changed.
 *
 * The commit does not wait for the disk (synchronous_commit off, for this transaction only): a read
 * model is derived data, and a crash loses its last writes together with the checkpoint advance
 * that counts them (one transaction, one WAL record stream), so the runner applies them again.
 */
export async function advanceCheckpoint(tx: EntityManager, name: string, expected: Checkpoint, position: number, schema?: string): Promise<boolean> {
  // TypeORM answers an UPDATE with [rows, affected].
  const [, affected]: [unknown[], number] = await tx.query(
    `UPDATE projections.checkpoints SET position = $4, updated_at = now(), ${CLEAR_ERROR}
     WHERE name = $1 AND generation = $2 AND position = $3
     RETURNING set_config('synchronous_commit', 'off', true)${schema === undefined ? '' : `, set_config('search_path', $5, true), ${PROJECTION_PLANNER_SETTINGS}`}`,
    schema === undefined ? [name, expected.generation, expected.position, position] : [name, expected.generation, expected.position, position, quoteIdent(schema)],
  );
  return affected === 1;
}

const CLEAR_ERROR = `error_position = NULL, error_event_type = NULL, error_event_id = NULL, error_message = NULL,
  error_since = NULL, error_attempt_at = NULL, error_attempts = 0`;

/** Records (or, for the same event, counts one more attempt at) the event the projection is stopped at. */
export async function recordProjectionError(
  tx: EntityManager,
  name: string,
  error: { position: number; eventType: string; eventId: string; message: string },
): Promise<void> {
  await tx.query(
    `UPDATE projections.checkpoints SET
       error_since = CASE WHEN error_position = $2 THEN error_since ELSE now() END,
       error_attempts = CASE WHEN error_position = $2 THEN error_attempts + 1 ELSE 1 END,
       error_position = $2, error_event_type = $3, error_event_id = $4, error_message = $5, error_attempt_at = now()
     WHERE name = $1`,
    [name, error.position, error.eventType, error.eventId, error.message],
  );
}

/**
 * Starts a new generation at `position` (0: replay from zero; a rebuild's switch: the position
 * its new tables reflect).
 */
export async function resetCheckpoint(tx: EntityManager, name: string, position = 0): Promise<Checkpoint> {
  const current = await lockCheckpoint(tx, name);
  // A new generation starts without the old one's error: if the event still fails, the runner records it again.
  await tx.query(
    `UPDATE projections.checkpoints SET position = $2, generation = generation + 1, updated_at = now(), ${CLEAR_ERROR} WHERE name = $1`,
    [name, position],
  );
  // Delivered at commit: the runner holding the projection restarts from the new generation.
  await tx.query(`SELECT pg_notify($1, $2)`, [RESET_CHANNEL, name]);
  return { position, generation: current.generation + 1, errorPosition: null };
}

/** Forgets a checkpoint (a rebuild's shadow one, once switched or abandoned). */
export async function deleteCheckpoint(tx: EntityManager, name: string): Promise<void> {
  await tx.query(`DELETE FROM projections.checkpoints WHERE name = $1`, [name]);
}

export async function readCheckpoints(tx: EntityManager): Promise<Map<string, number>> {
  const rows: Array<{ name: string; position: string }> = await tx.query(
    `SELECT name, position FROM projections.checkpoints`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.position)]));
}

/** Every checkpoint with the event its projection is stopped at, if any. */
export async function readCheckpointStates(tx: EntityManager): Promise<Map<string, CheckpointState>> {
  const rows: Array<{
    name: string;
    position: string;
    error_position: string | null;
    error_event_type: string | null;
    error_event_id: string | null;
    error_message: string | null;
    error_since: Date | null;
    error_attempt_at: Date | null;
    error_attempts: number;
  }> = await tx.query(
    `SELECT name, position, error_position, error_event_type, error_event_id, error_message, error_since, error_attempt_at, error_attempts
     FROM projections.checkpoints`,
  );
  return new Map(
    rows.map((r) => [
      r.name,
      {
        position: Number(r.position),
        error:
          r.error_position === null
            ? null
            : {
                position: Number(r.error_position),
                eventType: r.error_event_type ?? '',
                eventId: r.error_event_id ?? '',
                message: r.error_message ?? '',
                since: r.error_since ?? new Date(0),
                lastAttemptAt: r.error_attempt_at ?? new Date(0),
                attempts: r.error_attempts,
              },
      },
    ]),
  );
}

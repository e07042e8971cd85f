import type { EntityManager } from 'typeorm';
import { RESET_CHANNEL } from './projection-lock';

/**
 * `generation` grows at every reset; a runner that sees another generation than the one it
 * started with knows its in-memory position is stale and restarts from the stored one.
 */
export interface Checkpoint {
  position: number;
  generation: number;
}

export async function ensureCheckpoint(tx: EntityManager, name: string): Promise<void> {
  await tx.query(`INSERT INTO projections.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
}

/** Reads the checkpoint and locks its row until the end of the transaction. */
export async function lockCheckpoint(tx: EntityManager, name: string): Promise<Checkpoint> {
  await ensureCheckpoint(tx, name);
  const rows: Array<{ position: string; generation: number }> = await tx.query(
    `SELECT position, generation FROM projections.checkpoints WHERE name = $1 FOR UPDATE`,
    [name],
  );
  return { position: Number(rows[0].position), generation: rows[0].generation };
}

export async function saveCheckpoint(tx: EntityManager, name: string, position: number): Promise<void> {
  await tx.query(`UPDATE projections.checkpoints SET position = $2, updated_at = now() WHERE name = $1`, [
    name,
    position,
  ]);
}

export async function resetCheckpoint(tx: EntityManager, name: string): Promise<Checkpoint> {
  const current = await lockCheckpoint(tx, name);
  await tx.query(
    `UPDATE projections.checkpoints SET position = 0, generation = generation + 1, updated_at = now() WHERE name = $1`,
    [name],
  );
  // Delivered at commit: the runner holding the projection restarts from the new generation.
  await tx.query(`SELECT pg_notify($1, $2)`, [RESET_CHANNEL, name]);
  return { position: 0, generation: current.generation + 1 };
}

export async function readCheckpoints(tx: EntityManager): Promise<Map<string, number>> {
  const rows: Array<{ name: string; position: string }> = await tx.query(
    `SELECT name, position FROM projections.checkpoints`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.position)]));
}

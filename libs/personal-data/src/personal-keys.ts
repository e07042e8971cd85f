import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { open, seal } from './aes-gcm';

/** A person's key: present, destroyed by an erasure, or never made (nothing of theirs was encrypted). */
export type ClePersonnelle = { etat: 'active'; cle: Buffer } | { etat: 'detruite' } | { etat: 'absente' };

function wrap(master: Buffer, key: Buffer, salarieId: string): Buffer {
  const { iv, tag, donnees } = seal(master, key, `cle|${salarieId}`);
  return Buffer.concat([iv, tag, donnees]);
}

function unwrap(master: Buffer, wrapped: Buffer, salarieId: string): Buffer {
  return open(master, { iv: wrapped.subarray(0, 12), tag: wrapped.subarray(12, 28), donnees: wrapped.subarray(28) }, `cle|${salarieId}`);
}

/**
 * The salariés' own keys (AES-256), in `donnees_personnelles.cles`, outside the log, each wrapped
 * by the master key: a copy of the database alone decrypts nothing. Destroying a key is the
 * erasure: the events stay, their identity can no longer be read.
 */
export class PersonalKeys {
  constructor(
    private readonly dataSource: DataSource,
    private readonly master: Buffer,
  ) {}

  /** The person's key, made on first use (idempotent: a retried registration finds the same key). */
  async keyFor(salarieId: string): Promise<ClePersonnelle> {
    await this.dataSource.query(`INSERT INTO donnees_personnelles.cles (salarie_id, cle_chiffree) VALUES ($1, $2) ON CONFLICT (salarie_id) DO NOTHING`, [
      salarieId,
      wrap(this.master, randomBytes(32), salarieId),
    ]);
    return (await this.keysOf([salarieId])).get(salarieId) ?? { etat: 'absente' };
  }

  /** The keys of several people in one query (a stream, a page of the log). */
  async keysOf(salarieIds: string[]): Promise<Map<string, ClePersonnelle>> {
    const ids = [...new Set(salarieIds)];
    const keys = new Map<string, ClePersonnelle>(ids.map((id) => [id, { etat: 'absente' }]));
    if (ids.length === 0) return keys;
    const rows: Array<{ salarie_id: string; cle_chiffree: Buffer | null }> = await this.dataSource.query(
      `SELECT salarie_id, cle_chiffree FROM donnees_personnelles.cles WHERE salarie_id = ANY($1::uuid[])`,
      [ids],
    );
    for (const row of rows) {
      keys.set(row.salarie_id, row.cle_chiffree === null ? { etat: 'detruite' } : { etat: 'active', cle: unwrap(this.master, row.cle_chiffree, row.salarie_id) });
    }
    return keys;
  }

  /**
   * Erasure: the key is overwritten by NULL and a tombstone kept (when, not what). PostgreSQL frees
   * the old bytes at its next vacuum of the table; backups keep them until they expire.
   */
  async destroy(salarieId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO donnees_personnelles.cles (salarie_id, cle_chiffree, detruite_le) VALUES ($1, NULL, now())
       ON CONFLICT (salarie_id) DO UPDATE SET cle_chiffree = NULL, detruite_le = coalesce(donnees_personnelles.cles.detruite_le, now())`,
      [salarieId],
    );
  }
}

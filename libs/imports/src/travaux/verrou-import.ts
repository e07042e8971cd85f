import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The lock that says a live process runs an import: a PostgreSQL session advisory lock, held on a
 * connection of its own (not the pool's, which the job's queries need) and freed by the server
 * when that process dies. `reprendre` only touches the jobs whose lock it can take.
 */
export class VerrouImport {
  private constructor(
    private readonly client: Client,
    private readonly cle: string,
  ) {}

  /** Takes the job's lock, or answers null when another process holds it. */
  static async prendre(db: DataSource, id: string): Promise<VerrouImport | null> {
    const url = (db.options as { url?: string }).url;
    if (!url) throw new Error('the imports need the database URL of their DataSource');
    const client = new Client({ connectionString: url, application_name: 'suivi-clauses-import' });
    client.on('error', () => undefined); // a lost connection frees the lock; the job's own queries report it
    await client.connect();
    const cle = `import:${id}`;
    try {
      const { rows } = await client.query<{ pris: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS pris`, [cle]);
      if (rows[0].pris) return new VerrouImport(client, cle);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end().catch(() => undefined);
    return null;
  }

  async rendre(): Promise<void> {
    await this.client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [this.cle]).catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}

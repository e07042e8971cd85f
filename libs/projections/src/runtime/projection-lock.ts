import { Client } from 'pg';

/** Advisory-lock namespace of projections (first key of the two-int form). */
const LOCK_NAMESPACE = 7340;

/** Notified (with the projection's name) by a reset, so an idle runner restarts at once. */
export const RESET_CHANNEL = 'projection_reset';

/**
 * Session-level advisory lock that makes one process, among any number of api and
 * projector instances, the only runner of a projection. It lives on its own connection:
 * if that connection drops, PostgreSQL releases the lock and `lost` fires so the runner stops.
 */
export class ProjectionLock {
  private client: Client | null = null;
  private lostHandler: (() => void) | null = null;
  private resetHandler: (() => void) | null = null;

  constructor(
    private readonly connectionString: string,
    readonly projectionName: string,
  ) {}

  async tryAcquire(): Promise<boolean> {
    const client = new Client({ connectionString: this.connectionString, application_name: `projector:${this.projectionName}` });
    client.on('error', () => this.onLost(client));
    client.on('end', () => this.onLost(client));
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`,
        [LOCK_NAMESPACE, this.projectionName],
      );
      if (!rows[0].locked) {
        await client.end();
        return false;
      }
      client.on('notification', (n) => {
        if (n.channel === RESET_CHANNEL && n.payload === this.projectionName) this.resetHandler?.();
      });
      await client.query(`LISTEN ${RESET_CHANNEL}`);
    } catch (error) {
      // Closing the session also releases a lock it may hold.
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return true;
  }

  onceLost(handler: () => void): void {
    this.lostHandler = handler;
  }

  onReset(handler: () => void): void {
    this.resetHandler = handler;
  }

  private onLost(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.lostHandler?.();
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LOCK_NAMESPACE, this.projectionName]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Whether some session holds the projection's lock (i.e. a runner is active somewhere). */
export const PROJECTION_LOCK_HELD_SQL = `
  SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND classid = ${LOCK_NAMESPACE} AND objid = hashtext($1)::oid
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
  ) AS held`;

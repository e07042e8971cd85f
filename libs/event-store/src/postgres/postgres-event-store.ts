import { Client, Pool } from 'pg';
import {
  type AppendResult,
  type BatchHandler,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
  streamTypeOf,
} from '../event-store.port';
import { IdempotencyViolationError, InvalidAppendError, WrongExpectedRevisionError } from '../errors';
import { answerOfRetry, type AlreadyStored } from '../idempotent-retry';
import { UpcasterChain, type Upcaster } from '../upcasting';
import { AppendNotifier, APPEND_CHANNEL } from './append-notifier';

/**
 * Key of the transaction-level advisory lock taken by every append.
 *
 * Why a global lock: with a sequence, a transaction can take position N, commit after
 * another one took N+1 and committed, and a catch-up reader that already moved past N+1
 * would skip N forever (the "gap" problem). Holding one advisory lock from the position
 * assignment to the commit makes positions commit in order, so `position > checkpoint`
 * never misses an event and every consumer (projection checkpoints, read-your-writes)
 * compares a single number. The price is that appends are serialised; each append is one
 * short transaction, and `npm run bench` measures the resulting throughput.
 * (The alternative, comparing transaction ids with pg_snapshot_xmin, keeps writers
 * parallel but needs a two-part checkpoint everywhere.) The same lock makes the head's hash
 * the one the next append chains to (event-chain.migration.ts).
 */
const APPEND_LOCK_KEY = 7_340_211_001;

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  upcasters?: Upcaster[];
  /** Safety net for a lost notification (e.g. a dropped LISTEN connection). */
  idleWakeUpMs?: number;
}

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly upcasters: UpcasterChain;
  private readonly notifier: AppendNotifier;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: 'suivi-clauses-event-store',
    });
    this.pool.on('error', () => undefined); // idle client errors surface on the next query
    this.upcasters = new UpcasterChain(options.upcasters);
    this.notifier = new AppendNotifier(() => new Client({ connectionString: options.connectionString }));
  }

  async appendToStream(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ streamId, events, expectedRevision }]);
    return result;
  }

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) throw new InvalidAppendError('nothing to append');
    for (const { streamId, events } of appends) {
      if (!streamId) throw new InvalidAppendError('streamId is required');
      if (events.length === 0) throw new InvalidAppendError('nothing to append');
    }
    if (new Set(appends.map((a) => a.streamId)).size !== appends.length) throw new InvalidAppendError('the same stream appears twice in one append');
    const all = appends.flatMap((a) => a.events);
    if (new Set(all.map((e) => e.eventId.toLowerCase())).size !== all.length) {
      throw new InvalidAppendError('the same eventId appears twice in one append');
    }
    const client = await this.pool.connect();
    try {
      // Four round trips whatever the number of streams: begin + lock, read the streams' state,
      // insert + notify, commit (one flush for all).
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
      const { rows } = await client.query<{ revisions: Array<{ stream: string; revision: number | null }>; head: string; found: AlreadyStored[] | null }>(
        `SELECT (SELECT json_agg(json_build_object('stream', s, 'revision', (SELECT max(revision) FROM event_store.events WHERE stream_id = s)))
                   FROM unnest($1::text[]) AS s) AS revisions,
                (SELECT coalesce(max(position), 0) FROM event_store.events) AS head,
                (SELECT json_agg(json_build_object('eventId', event_id, 'streamId', stream_id, 'revision', revision, 'position', position))
                   FROM event_store.events WHERE event_id = ANY($2::uuid[])) AS found`,
        [appends.map((a) => a.streamId), all.map((e) => e.eventId)],
      );
      const revisions = new Map(rows[0].revisions.map((r) => [r.stream, r.revision === null ? null : Number(r.revision)]));
      const found = rows[0].found ?? [];
      const retried = appends.map(({ streamId, events, expectedRevision }) => {
        const ids = new Set(events.map((e) => e.eventId.toLowerCase()));
        return answerOfRetry(streamId, events, expectedRevision, revisions.get(streamId)!, found.filter((f) => ids.has(f.eventId.toLowerCase())));
      });
      if (retried.every((r) => r !== null)) {
        await client.query('ROLLBACK');
        return retried as AppendResult[];
      }
      // Some streams hold their part and others not: not a retry of this same append.
      if (retried.some((r) => r !== null)) throw new IdempotencyViolationError(appends[0].streamId, found.map((f) => f.eventId));
      for (const { streamId, expectedRevision } of appends) checkExpected(streamId, expectedRevision, revisions.get(streamId)!);

      const head = Number(rows[0].head);
      const rowsToInsert: Array<{ streamId: string; revision: number; event: EventToAppend }> = [];
      const results: AppendResult[] = [];
      for (const { streamId, events } of appends) {
        const current = revisions.get(streamId)!;
        const first = current === null ? 0 : current + 1;
        events.forEach((event, i) => rowsToInsert.push({ streamId, revision: first + i, event }));
        results.push({ nextRevision: first + events.length - 1, position: head + rowsToInsert.length });
      }
      const position = head + rowsToInsert.length;
      // The notification is delivered at commit only, so a woken subscriber always finds the events.
      // Each event's hash is chained to the previous one's (event-chain.migration.ts): the head's
      // hash is read in this same statement (the lock keeps it the head), and the database
      // computes the hashes, over the jsonb values as stored and the recorded_at it sets.
      // A named (prepared) statement: parsed and planned once per connection, which saves more
      // than the hashes cost (`npm run bench`); no extra round trip, the Parse travels with the
      // first Bind. (A pooler in transaction mode would need its prepared-statement support.)
      await client.query({
        name: 'event-store-append-streams',
        text: `WITH inserted AS (
           INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
           SELECT e.position, e.stream_id, e.stream_type, e.revision, e.event_id, e.type, e.data, e.metadata, now(),
                  event_store.chain((SELECT hash FROM event_store.events WHERE position = $1),
                                    e.position, e.stream_id, e.stream_type, e.revision, e.event_id, e.type, e.data, e.metadata, now())
                    OVER (ORDER BY e.position ROWS UNBOUNDED PRECEDING)
           FROM (SELECT $1::bigint + u.n AS position, u.stream_id, u.stream_type, u.revision, u.event_id, u.type, u.data, u.metadata
                 FROM unnest($2::text[], $3::text[], $4::bigint[], $5::uuid[], $6::text[], $7::jsonb[], $8::jsonb[]) WITH ORDINALITY
                      AS u(stream_id, stream_type, revision, event_id, type, data, metadata, n)) AS e
           RETURNING 1)
         SELECT pg_notify($9, $10) FROM (SELECT count(*) FROM inserted) AS done`,
        values: [
          head,
          rowsToInsert.map((r) => r.streamId),
          rowsToInsert.map((r) => streamTypeOf(r.streamId)),
          rowsToInsert.map((r) => r.revision),
          rowsToInsert.map((r) => r.event.eventId),
          rowsToInsert.map((r) => r.event.type),
          rowsToInsert.map((r) => JSON.stringify(r.event.data ?? null)),
          rowsToInsert.map((r) => JSON.stringify(r.event.metadata)),
          APPEND_CHANNEL,
          String(position),
        ],
      });
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ revision: string | null }>(
      'SELECT max(revision) AS revision FROM event_store.events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0].revision === null ? null : Number(rows[0].revision);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [streamId];
    let where = 'stream_id = $1';
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision);
      where += backwards ? ' AND revision <= $2' : ' AND revision >= $2';
    }
    let limit = '';
    if (options.maxCount !== undefined) {
      params.push(options.maxCount);
      limit = ` LIMIT $${params.length}`;
    }
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_store.events WHERE ${where}
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'}${limit}`,
      params,
    );
    return rows.map((r) => this.toRecorded(r));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_store.events WHERE position > $1 ORDER BY position LIMIT $2`,
      [options.after ?? 0, options.maxCount ?? 1000],
    );
    return rows.map((r) => this.toRecorded(r));
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ head: string }>(
      'SELECT coalesce(max(position), 0) AS head FROM event_store.events',
    );
    return Number(rows[0].head);
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    const batchSize = options.batchSize ?? 500;
    const idleWakeUpMs = this.options.idleWakeUpMs ?? 5_000;
    const waiter = this.notifier.register();
    let stopped = false;
    let checkpoint = options.after;

    const loop = async (): Promise<void> => {
      try {
        while (!stopped) {
          waiter.clear();
          const batch = await this.readAll({ after: checkpoint, maxCount: batchSize });
          if (batch.length > 0) {
            await handler(batch);
            checkpoint = batch[batch.length - 1].position;
            continue;
          }
          await waiter.wait(idleWakeUpMs);
        }
      } finally {
        waiter.unregister();
      }
    };
    const done = loop();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        waiter.wakeUp();
        await done.catch(() => undefined);
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1 FROM event_store.events LIMIT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.notifier.close();
    await this.pool.end();
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const event: RecordedEvent = {
      eventId: row.event_id,
      type: row.type,
      streamId: row.stream_id,
      revision: Number(row.revision),
      position: Number(row.position),
      data: row.data,
      metadata: {
        ...(row.metadata as any),
        recordedAt: row.recorded_at.toISOString(),
      },
    };
    return this.upcasters.apply(event);
  }
}

function checkExpected(streamId: string, expected: ExpectedRevision, current: number | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'stream_exists' && current !== null) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current);
}

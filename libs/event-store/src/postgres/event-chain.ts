import { hash as digest } from 'node:crypto';
import { Client } from 'pg';

/**
 * Verification of the PostgreSQL log's hash chain (issue 15). The encoding is defined in
 * event-chain.migration.ts and computed by the database at append; this file recomputes it
 * independently, from the columns as stored, so that a verification does not trust the
 * database's own function.
 *
 * The chain proves that no event was altered, removed or reordered *before the last hash
 * one trusts*: someone able to write the table can still rewrite every hash after the event
 * they change, or cut the end of the log. Hence anchors: the head hash, noted outside the
 * database (printed by `audit:chain`), checked by a later verification.
 */

/** Hash before the first event of the log. */
export const CHAIN_GENESIS = Buffer.alloc(32);

const ENCODING_VERSION = 0x01;

/** One stored event, each column as the verifier reads it. */
export interface ChainedRow {
  position: bigint;
  streamId: string;
  streamType: string;
  revision: bigint;
  eventId: string;
  type: string;
  /** `data::text`: jsonb's canonical text. */
  data: string;
  /** `metadata::text`. */
  metadata: string;
  /** `timestamptz_send(recorded_at)`: int8 microseconds since 2000-01-01 UTC. */
  recordedAt: Buffer;
}

/** Reused for every event: a verification of millions of events allocates one buffer, not ten per event. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** The hash of `row` chained to `previous` (the hash of the event before it, or CHAIN_GENESIS). */
export function chainHash(previous: Buffer, row: ChainedRow): Buffer {
  const texts = [row.streamId, row.streamType, row.type, row.data, row.metadata];
  // 1 version + 32 previous + 3 × 8 (position, revision, recorded_at) + 16 uuid, then texts: 4 + at most 3 bytes a UTF-16 unit.
  const size = 1 + 32 + 24 + 16 + texts.reduce((n, t) => n + 4 + 3 * t.length, 0);
  if (scratch.length < size) scratch = Buffer.allocUnsafe(2 * size);
  const out = scratch;
  let at = 0;
  out[at++] = ENCODING_VERSION;
  at += previous.copy(out, at);
  at = out.writeBigInt64BE(row.position, at);
  at = text(out, at, row.streamId);
  at = text(out, at, row.streamType);
  at = out.writeBigInt64BE(row.revision, at);
  at += out.write(row.eventId.replace(/-/g, ''), at, 'hex');
  at = text(out, at, row.type);
  at = text(out, at, row.data);
  at = text(out, at, row.metadata);
  at += row.recordedAt.copy(out, at);
  return digest('sha256', out.subarray(0, at), 'buffer');
}

/** 4-byte big-endian length of the UTF-8 bytes, then the bytes. */
function text(out: Buffer, at: number, value: string): number {
  const length = out.write(value, at + 4, 'utf8');
  out.writeUInt32BE(length, at);
  return at + 4 + length;
}

export interface ChainLink {
  position: number;
  /** Lower-case hex. */
  hash: string;
}

export type ChainBreakKind =
  /** The event's stored hash is not the hash of its content chained to the previous stored hash. */
  | 'hash'
  /** Positions are missing before this one (rows deleted; position 1 when the start is gone). */
  | 'missing'
  /** A hash noted earlier (an anchor) differs from the one stored now, or the log ends before it. */
  | 'anchor';

export interface ChainBreak {
  kind: ChainBreakKind;
  /** The first position at which the chain does not hold. */
  position: number;
  /** The event found there (for `missing`: the next event present), null when there is none. */
  event: { position: number; streamId: string; revision: number; eventId: string; type: string } | null;
  /** For `hash`: the recomputed and the stored hash; for `anchor`: the anchor's and the stored one (null: no event). */
  expected?: string;
  found?: string | null;
}

export type ChainVerification =
  | { intact: true; events: number; head: ChainLink | null }
  | { intact: false; events: number; broken: ChainBreak };

export interface ChainProgress {
  /** Events verified so far. */
  verified: number;
  /** Last verified position. */
  position: number;
  /** Head of the log when the verification started: it stops there. */
  target: number;
}

export interface VerifyChainOptions {
  /** Rows per read; memory stays bounded by it whatever the size of the log. */
  batchSize?: number;
  /** Hashes noted earlier, e.g. a previous run's head: each must still be the stored one. */
  anchors?: ChainLink[];
  onProgress?: (progress: ChainProgress) => void;
}

const ROW_SELECT = `
  SELECT position, stream_id, stream_type, revision, event_id, type, data::text AS data, metadata::text AS metadata,
         timestamptz_send(recorded_at) AS recorded_at, hash
  FROM event_store.events WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`;

interface Row {
  position: string;
  stream_id: string;
  stream_type: string;
  revision: string;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: Buffer;
  hash: Buffer | null;
}

/**
 * Walks the log in position order up to its head at the start, recomputes every hash and
 * answers the first broken link, or the number of events and the head's hash. Reads in
 * batches (the next one is fetched while the current one is hashed).
 */
export async function verifyChain(connectionString: string, options: VerifyChainOptions = {}): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? 5_000;
  const anchors = new Map<number, string>();
  for (const anchor of options.anchors ?? []) anchors.set(anchor.position, anchor.hash.toLowerCase());

  const client = new Client({ connectionString, application_name: 'suivi-clauses-audit-chain' });
  await client.connect();
  try {
    const { rows: headRows } = await client.query<{ head: string }>(
      'SELECT coalesce(max(position), 0) AS head FROM event_store.events',
    );
    const target = Number(headRows[0].head);
    const read = (after: number) => client.query<Row>(ROW_SELECT, [after, target, batchSize]).then((r) => r.rows);

    let previous: Buffer = CHAIN_GENESIS;
    let expectedPosition = 1;
    let verified = 0;
    let next = read(0);
    for (;;) {
      const batch = await next;
      if (batch.length === 0) break;
      const last = Number(batch[batch.length - 1].position);
      next = last < target ? read(last) : Promise.resolve([]);
      for (const row of batch) {
        const position = Number(row.position);
        const event = eventOf(row);
        if (position !== expectedPosition) {
          await next.catch(() => undefined);
          return { intact: false, events: verified, broken: { kind: 'missing', position: expectedPosition, event } };
        }
        const hash = chainHash(previous, {
          position: BigInt(row.position),
          streamId: row.stream_id,
          streamType: row.stream_type,
          revision: BigInt(row.revision),
          eventId: row.event_id,
          type: row.type,
          data: row.data,
          metadata: row.metadata,
          recordedAt: row.recorded_at,
        });
        if (row.hash === null || !hash.equals(row.hash)) {
          await next.catch(() => undefined);
          const broken: ChainBreak = { kind: 'hash', position, event, expected: hex(hash), found: row.hash && hex(row.hash) };
          return { intact: false, events: verified, broken };
        }
        const anchor = anchors.get(position);
        if (anchor !== undefined && anchor !== hex(hash)) {
          await next.catch(() => undefined);
          return { intact: false, events: verified, broken: { kind: 'anchor', position, event, expected: anchor, found: hex(hash) } };
        }
        previous = hash;
        expectedPosition = position + 1;
        verified++;
      }
      options.onProgress?.({ verified, position: last, target });
    }

    // An anchor past the head: the log lost its end (or the anchor is another database's).
    const beyond = [...anchors.keys()].filter((p) => p >= expectedPosition).sort((a, b) => a - b)[0];
    if (beyond !== undefined) {
      return {
        intact: false,
        events: verified,
        broken: { kind: 'anchor', position: beyond, event: null, expected: anchors.get(beyond), found: null },
      };
    }
    return { intact: true, events: verified, head: verified === 0 ? null : { position: expectedPosition - 1, hash: hex(previous) } };
  } finally {
    await client.end();
  }
}

function eventOf(row: Row): ChainBreak['event'] {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    revision: Number(row.revision),
    eventId: row.event_id,
    type: row.type,
  };
}

function hex(buffer: Buffer): string {
  return buffer.toString('hex');
}

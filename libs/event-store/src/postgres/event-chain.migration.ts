import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence (issue 15): every row of `event_store.events` carries `hash`, a SHA-256
 * chained to the previous event of the global log:
 *
 *   hash(n) = sha256(0x01 ‖ hash(n-1) ‖ int8(position) ‖ text(stream_id) ‖ text(stream_type)
 *                    ‖ int8(revision) ‖ uuid(event_id) ‖ text(type) ‖ text(data::text)
 *                    ‖ text(metadata::text) ‖ timestamptz_send(recorded_at))
 *
 * with hash(0) = 32 zero bytes (the genesis), int8 = 8 bytes big-endian, uuid = its 16 bytes,
 * text(s) = 4-byte big-endian length of s's UTF-8 bytes, then those bytes (length prefixes
 * leave no ambiguity between adjacent fields), and `timestamptz_send` = int8 microseconds
 * since 2000-01-01 UTC, PostgreSQL's own representation (exact, whatever the version).
 * jsonb's text output is canonical for a given value (keys sorted, fixed spacing, numbers
 * as numeric), so `data::text` is what the verifier reads back, byte for byte.
 * The leading 0x01 names this encoding, should it ever change.
 *
 * The encoding lives once in the database (`event_store.chain_step`), used by the appends
 * (`PostgresEventStore.appendToStream`, through the `event_store.chain` window aggregate)
 * and by the fill below; `verifyChain` (event-chain.ts) recomputes it independently in Node.
 *
 * Why one global chain rather than one per stream: the global order is what projections,
 * checkpoints and audits rely on, and only a chain over it pins that order. Per-stream
 * chains would not notice a whole stream deleted, events moved between positions of
 * different streams, or the log cut at any point; the global chain breaks at the first
 * deleted, altered or reordered event. It costs nothing extra: appends are already
 * serialised by the global advisory lock, under which the previous hash is the head's.
 */
export class EventChain1764300000000 implements MigrationInterface {
  name = 'EventChain1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // The fill below disables the append-only trigger; that is only safe inside this
    // migration's own transaction (see there).
    if (!q.isTransactionActive) throw new Error('EventChain1764300000000 must run inside a transaction');

    await q.query(`ALTER TABLE event_store.events ADD COLUMN hash bytea`);
    // The encoding, in one place. `p_state` is the hash of the event before within a window
    // (the aggregate's state), `p_previous` the hash of the event before the window's first row,
    // NULL meaning the genesis; `chain_step(NULL, previous, …)` hashes one event after `previous`.
    // plpgsql with local variables: each text is converted once (a sql function using its
    // argument twice is not inlined), and its cached plan makes it the cheapest per event.
    await q.query(`
      CREATE FUNCTION event_store.chain_step(
        p_state bytea, p_previous bytea, p_position bigint, p_stream_id text, p_stream_type text, p_revision bigint,
        p_event_id uuid, p_type text, p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz
      ) RETURNS bytea
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE
        v_stream_id bytea := convert_to(p_stream_id, 'UTF8');
        v_stream_type bytea := convert_to(p_stream_type, 'UTF8');
        v_type bytea := convert_to(p_type, 'UTF8');
        v_data bytea := convert_to(p_data::text, 'UTF8');
        v_metadata bytea := convert_to(p_metadata::text, 'UTF8');
      BEGIN
        RETURN sha256(
          '\\x01'::bytea || coalesce(p_state, p_previous, '\\x${'00'.repeat(32)}'::bytea) || int8send(p_position)
          || int4send(length(v_stream_id)) || v_stream_id || int4send(length(v_stream_type)) || v_stream_type
          || int8send(p_revision) || uuid_send(p_event_id) || int4send(length(v_type)) || v_type
          || int4send(length(v_data)) || v_data || int4send(length(v_metadata)) || v_metadata
          || timestamptz_send(p_recorded_at));
      END $$`);
    // Used as a window function, ordered by position: each row gets the hash chained to the rows before it.
    await q.query(`
      CREATE AGGREGATE event_store.chain(
        bytea, bigint, text, text, bigint, uuid, text, jsonb, jsonb, timestamptz
      ) (SFUNC = event_store.chain_step, STYPE = bytea)`);

    // Events already stored (dev and demo databases) are chained too, in position order.
    // The append-only trigger refuses this UPDATE, so it is disabled and enabled again within
    // this transaction: ADD COLUMN above holds an ACCESS EXCLUSIVE lock on the table until
    // commit, so no other session can write (or even read) the table meanwhile, and the
    // disabled state is never committed. The alternative, a side table of hashes, would make
    // every append write two tables and the verifier join them, forever, for a one-time fill.
    await q.query(`ALTER TABLE event_store.events DISABLE TRIGGER events_append_only`);
    await q.query(`
      UPDATE event_store.events e SET hash = c.hash
      FROM (SELECT position,
                   event_store.chain(NULL, position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at)
                     OVER (ORDER BY position ROWS UNBOUNDED PRECEDING) AS hash
            FROM event_store.events) c
      WHERE e.position = c.position`);
    await q.query(`ALTER TABLE event_store.events ENABLE TRIGGER events_append_only`);
    await q.query(`
      ALTER TABLE event_store.events
        ALTER COLUMN hash SET NOT NULL,
        ADD CONSTRAINT events_hash_sha256 CHECK (octet_length(hash) = 32)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_store.events DROP COLUMN hash`);
    await q.query(`DROP AGGREGATE event_store.chain(bytea, bigint, text, text, bigint, uuid, text, jsonb, jsonb, timestamptz)`);
    await q.query(`DROP FUNCTION event_store.chain_step(bytea, bytea, bigint, text, text, bigint, uuid, text, jsonb, jsonb, timestamptz)`);
  }
}

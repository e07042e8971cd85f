import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append as one statement (`event_store.append`), so that an append costs one round trip and
 * one commit instead of four round trips (begin and lock, read, insert, commit) with the global
 * lock held across all of them. The lock, the order and the hash chain are unchanged (see
 * PostgresEventStore and event-chain.migration.ts): the function takes the same transaction-level
 * advisory lock, so positions still commit in order and the log stays gap-free for catch-up readers.
 *
 * Rows come flat, each with its stream and its rank in that stream's part (1-based); revisions are
 * computed here from each stream's current one. The answer is jsonb:
 * - `{ revisions, head }`: appended; positions are head + 1, head + 2, … in the rows' order;
 * - `{ revisions, found }`: some event ids are already stored (a retry, or a misuse): nothing is
 *   written, the caller answers the earlier append or refuses (idempotent-retry.ts);
 * - `{ revisions, conflict }`: that stream is not at its expected revision: nothing is written.
 * Expected revisions come as text: `any`, `no_stream`, `stream_exists` or a revision number.
 */
export class EventStoreAppendFunction1764500000000 implements MigrationInterface {
  name = 'EventStoreAppendFunction1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION event_store.append(
        p_streams text[], p_expected text[],
        p_row_streams text[], p_row_stream_types text[], p_row_ranks bigint[],
        p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[],
        p_lock_key bigint, p_channel text
      ) RETURNS jsonb
      LANGUAGE plpgsql AS $$
      DECLARE
        v_revisions jsonb;
        v_found jsonb;
        v_head bigint;
        v_current bigint;
        v_expected text;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_key);
        SELECT jsonb_object_agg(s, (SELECT max(e.revision) FROM event_store.events e WHERE e.stream_id = s))
          INTO v_revisions FROM unnest(p_streams) AS s;
        SELECT jsonb_agg(jsonb_build_object('eventId', e.event_id, 'streamId', e.stream_id, 'revision', e.revision, 'position', e.position))
          INTO v_found FROM event_store.events e WHERE e.event_id = ANY(p_event_ids);
        IF v_found IS NOT NULL THEN
          RETURN jsonb_build_object('revisions', v_revisions, 'found', v_found);
        END IF;
        FOR i IN 1 .. array_length(p_streams, 1) LOOP
          v_current := (v_revisions ->> p_streams[i])::bigint;
          v_expected := p_expected[i];
          IF NOT (v_expected = 'any'
                  OR (v_expected = 'no_stream' AND v_current IS NULL)
                  OR (v_expected = 'stream_exists' AND v_current IS NOT NULL)
                  OR (v_expected ~ '^[0-9]+$' AND v_current = v_expected::bigint)) THEN
            RETURN jsonb_build_object('revisions', v_revisions, 'conflict', p_streams[i]);
          END IF;
        END LOOP;
        SELECT coalesce(max(e.position), 0) INTO v_head FROM event_store.events e;
        -- Each row's hash is chained to the previous one's, from the head's (event-chain.migration.ts).
        INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
        SELECT r.position, r.stream_id, r.stream_type, r.revision, r.event_id, r.type, r.data, r.metadata, now(),
               event_store.chain((SELECT h.hash FROM event_store.events h WHERE h.position = v_head),
                                 r.position, r.stream_id, r.stream_type, r.revision, r.event_id, r.type, r.data, r.metadata, now())
                 OVER (ORDER BY r.position ROWS UNBOUNDED PRECEDING)
        FROM (SELECT v_head + u.n AS position, u.stream_id, u.stream_type,
                     coalesce((v_revisions ->> u.stream_id)::bigint, -1) + u.rank AS revision,
                     u.event_id, u.type, u.data, u.metadata
                FROM unnest(p_row_streams, p_row_stream_types, p_row_ranks, p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY
                     AS u(stream_id, stream_type, rank, event_id, type, data, metadata, n)) AS r;
        -- Delivered at commit only: a woken subscriber always finds the events.
        PERFORM pg_notify(p_channel, (v_head + array_length(p_event_ids, 1))::text);
        RETURN jsonb_build_object('revisions', v_revisions, 'head', v_head);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_store.append(text[], text[], text[], text[], bigint[], uuid[], text[], jsonb[], jsonb[], bigint, text)`);
  }
}

/**
 * Group commit: several appends (each with its own streams and expected revisions) in one
 * statement and one commit, so that concurrent appends share the disk flush. Each runs through
 * `event_store.append` in turn, on what the previous ones left (a stream appended by an earlier one
 * of the group is seen at its new revision), and keeps its own outcome: one refused (conflict, ids
 * already stored) does not stop the others. `p_appends` is a jsonb array of
 * `{ streams, expected, rowStreams, rowStreamTypes, rowRanks, eventIds, types, data, metadata }`;
 * the answer, the array of `event_store.append`'s answers in the same order.
 */
export class EventStoreAppendGroup1764500000001 implements MigrationInterface {
  name = 'EventStoreAppendGroup1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION event_store.append_group(p_appends jsonb, p_lock_key bigint, p_channel text) RETURNS jsonb
      LANGUAGE plpgsql AS $$
      DECLARE
        v_append jsonb;
        v_answers jsonb := '[]'::jsonb;
      BEGIN
        FOR v_append IN SELECT value FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a(value, n) ORDER BY n LOOP
          v_answers := v_answers || jsonb_build_array(event_store.append(
            ARRAY(SELECT e FROM jsonb_array_elements_text(v_append -> 'streams') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e FROM jsonb_array_elements_text(v_append -> 'expected') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e FROM jsonb_array_elements_text(v_append -> 'rowStreams') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e FROM jsonb_array_elements_text(v_append -> 'rowStreamTypes') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e::bigint FROM jsonb_array_elements_text(v_append -> 'rowRanks') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e::uuid FROM jsonb_array_elements_text(v_append -> 'eventIds') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e FROM jsonb_array_elements_text(v_append -> 'types') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e FROM jsonb_array_elements(v_append -> 'data') WITH ORDINALITY AS t(e, n) ORDER BY n),
            ARRAY(SELECT e FROM jsonb_array_elements(v_append -> 'metadata') WITH ORDINALITY AS t(e, n) ORDER BY n),
            p_lock_key, p_channel));
        END LOOP;
        RETURN v_answers;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION event_store.append_group(jsonb, bigint, text)`);
  }
}

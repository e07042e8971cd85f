import type { MigrationInterface, QueryRunner } from 'typeorm';
import { EventStoreAppendFunction1764500000000, EventStoreAppendGroup1764500000001 } from './append-function.migration';

/**
 * Every append, alone or grouped, as one set-based statement: `event_store.append_many`.
 *
 * It replaces `event_store.append` and `event_store.append_group` (append-function.migration.ts),
 * which the bench showed too costly: the group ran the whole single-append function once per append
 * (a lock, four lookups, an insert and a notification each), so eight concurrent writers gained
 * little from sharing a commit; and the idempotency lookup ran before every append, through a plan
 * cached while the table was small (a sequential scan, 4 ms at 13,000 events).
 *
 * Here a group of appends costs one lock, one lookup of the head, one of the streams' revisions, one
 * insert and one notification, whatever its size. The order, the lock and the hash chain are those of
 * event-store.migration.ts and event-chain.migration.ts: the log stays gap-free for catch-up readers.
 * Recording times (`recorded_at`) never decrease along the log, whatever the server's clock does: an
 * append is recorded at the later of now() and the head's time, so that "the log as known at an
 * instant" (known-at.ts) is always one prefix of it.
 *
 * Appends are numbered 1..n in the group's order; each keeps its own outcome and sees what the
 * earlier ones of the group left (a stream appended by an earlier append is at its new revision).
 * Per stream part: its append, its stream, its expected revision (`any`, `no_stream`,
 * `stream_exists` or a number) and its number of events; per event: its append, its stream and type,
 * its rank in its stream part (1-based), its id, type, data and metadata. The answer is the array of
 * the appends' answers, in order:
 * - `{ revisions, head }`: appended; its positions are head + 1, head + 2, … in its rows' order;
 * - `{ revisions, found }`: some of its event ids are already stored (a retry, or a misuse): nothing
 *   of it is written, the caller answers the earlier append or refuses (idempotent-retry.ts);
 * - `{ revisions, conflict }`: that stream is not at its expected revision: nothing of it is written.
 * `revisions` are its streams' revisions as it found them (null: no such stream).
 *
 * Stored ids are looked up only where it can matter: for an append in conflict (a retry of an
 * accepted append always is, its stream having moved on), and for every append when `p_check_ids`
 * is set. An append whose ids are stored without a conflict (a retry with `any`) makes the insert
 * fail on the ids' unique index; nothing of the group is written and the caller sends it again with
 * `p_check_ids` (PostgresEventStore). The caller never groups two appends sharing an id. The lookup
 * runs through EXECUTE, planned for its own ids each time: it is rare, and a cached plan could scan.
 */
export class EventStoreAppendMany1764700000000 implements MigrationInterface {
  name = 'EventStoreAppendMany1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION event_store.append_many(
        p_part_appends int[], p_part_streams text[], p_part_expected text[], p_part_counts int[],
        p_row_appends int[], p_row_streams text[], p_row_stream_types text[], p_row_ranks bigint[],
        p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[],
        p_check_ids boolean, p_lock_key bigint, p_channel text
      ) RETURNS jsonb
      LANGUAGE plpgsql AS $$
      DECLARE
        c_found CONSTANT text := 'SELECT jsonb_agg(jsonb_build_object(''eventId'', e.event_id, ''streamId'', e.stream_id, '
                                 '''revision'', e.revision, ''position'', e.position)) '
                                 'FROM unnest($1) AS i(id) JOIN event_store.events e ON e.event_id = i.id';
        v_parts int := cardinality(p_part_appends);
        v_head bigint;
        v_previous bytea;
        v_recorded_at timestamptz;
        -- Per part: its stream's revision when its append is judged (null: no such stream), and whether it is written.
        v_revisions bigint[];
        v_accepted boolean[] := array_fill(false, ARRAY[v_parts]);
        -- Whether a stream has parts in several appends: then an accepted part moves the later parts' revisions.
        v_shared boolean;
        v_answers jsonb := '[]'::jsonb;
        v_next bigint;
        v_seen jsonb;
        v_found jsonb;
        v_conflict text;
        v_revision bigint;
        v_expected text;
        v_first int := 1;
        v_last int;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_key);
        SELECT h.position, h.hash, h.recorded_at INTO v_head, v_previous, v_recorded_at FROM event_store.events h ORDER BY h.position DESC LIMIT 1;
        v_head := coalesce(v_head, 0);
        -- Recording times never go back along the log: a server clock stepped back holds the head's time until it catches up.
        v_recorded_at := greatest(now(), coalesce(v_recorded_at, now()));
        v_next := v_head;
        IF v_parts = 1 THEN
          v_revisions := ARRAY[(SELECT max(e.revision) FROM event_store.events e WHERE e.stream_id = p_part_streams[1])];
          v_shared := false;
        ELSE
          v_revisions := ARRAY(SELECT (SELECT max(e.revision) FROM event_store.events e WHERE e.stream_id = t.s)
                                 FROM unnest(p_part_streams) WITH ORDINALITY AS t(s, n) ORDER BY t.n);
          v_shared := (SELECT count(DISTINCT s) FROM unnest(p_part_streams) AS t(s)) < v_parts;
        END IF;

        -- The parts of one append are contiguous: v_first .. v_last.
        WHILE v_first <= v_parts LOOP
          v_last := v_first;
          WHILE v_last < v_parts AND p_part_appends[v_last + 1] = p_part_appends[v_first] LOOP
            v_last := v_last + 1;
          END LOOP;
          v_conflict := NULL;
          FOR k IN v_first .. v_last LOOP
            v_revision := v_revisions[k];
            v_expected := p_part_expected[k];
            IF NOT (v_expected = 'any'
                    OR (v_expected = 'no_stream' AND v_revision IS NULL)
                    OR (v_expected = 'stream_exists' AND v_revision IS NOT NULL)
                    OR (v_expected ~ '^[0-9]+$' AND v_revision IS NOT NULL AND v_revision = v_expected::bigint)) THEN
              v_conflict := p_part_streams[k];
              EXIT;
            END IF;
          END LOOP;
          IF v_first = v_last THEN
            v_seen := jsonb_build_object(p_part_streams[v_first], v_revisions[v_first]);
          ELSE
            SELECT jsonb_object_agg(p_part_streams[k], v_revisions[k]) INTO v_seen FROM generate_series(v_first, v_last) AS k;
          END IF;
          v_found := NULL;
          IF p_check_ids OR v_conflict IS NOT NULL THEN
            EXECUTE c_found INTO v_found
              USING ARRAY(SELECT r.id FROM unnest(p_row_appends, p_event_ids) AS r(a, id) WHERE r.a = p_part_appends[v_first]);
          END IF;
          IF v_found IS NOT NULL THEN
            v_answers := v_answers || jsonb_build_array(jsonb_build_object('revisions', v_seen, 'found', v_found));
          ELSIF v_conflict IS NOT NULL THEN
            v_answers := v_answers || jsonb_build_array(jsonb_build_object('revisions', v_seen, 'conflict', v_conflict));
          ELSE
            v_answers := v_answers || jsonb_build_array(jsonb_build_object('revisions', v_seen, 'head', v_next));
            FOR k IN v_first .. v_last LOOP
              v_accepted[k] := true;
              v_next := v_next + p_part_counts[k];
              IF v_shared THEN
                FOR j IN v_last + 1 .. v_parts LOOP
                  IF p_part_streams[j] = p_part_streams[k] THEN
                    v_revisions[j] := coalesce(v_revisions[k], -1) + p_part_counts[k];
                  END IF;
                END LOOP;
              END IF;
            END LOOP;
          END IF;
          v_first := v_last + 1;
        END LOOP;

        IF v_next = v_head THEN
          RETURN v_answers;
        END IF;
        -- Each row's hash is chained to the previous one's, from the head's (event-chain.migration.ts).
        IF cardinality(p_event_ids) = 1 THEN
          -- The lone event of a lone append: no join, no sort, no window.
          v_revision := coalesce(v_revisions[1], -1) + 1;
          INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
          VALUES (v_head + 1, p_row_streams[1], p_row_stream_types[1], v_revision, p_event_ids[1], p_types[1], p_data[1], p_metadata[1], v_recorded_at,
                  event_store.chain_step(NULL, v_previous, v_head + 1, p_row_streams[1], p_row_stream_types[1], v_revision,
                                         p_event_ids[1], p_types[1], p_data[1], p_metadata[1], v_recorded_at));
        ELSE
          INSERT INTO event_store.events (position, stream_id, stream_type, revision, event_id, type, data, metadata, recorded_at, hash)
          SELECT r.position, r.stream_id, r.stream_type, r.revision, r.event_id, r.type, r.data, r.metadata, v_recorded_at,
                 event_store.chain(v_previous, r.position, r.stream_id, r.stream_type, r.revision, r.event_id, r.type, r.data, r.metadata, v_recorded_at)
                   OVER (ORDER BY r.position ROWS UNBOUNDED PRECEDING)
          FROM (SELECT v_head + row_number() OVER (ORDER BY u.n) AS position, u.stream_id, u.stream_type,
                       coalesce(a.revision, -1) + u.rank AS revision, u.event_id, u.type, u.data, u.metadata
                  FROM unnest(p_row_appends, p_row_streams, p_row_stream_types, p_row_ranks, p_event_ids, p_types, p_data, p_metadata)
                         WITH ORDINALITY AS u(append, stream_id, stream_type, rank, event_id, type, data, metadata, n)
                  JOIN unnest(p_part_appends, p_part_streams, v_revisions, v_accepted) AS a(append, stream_id, revision, accepted)
                    ON a.append = u.append AND a.stream_id = u.stream_id
                 WHERE a.accepted) AS r;
        END IF;
        -- Delivered at commit only: a woken subscriber always finds the events.
        PERFORM pg_notify(p_channel, v_next::text);
        RETURN v_answers;
      END $$`);
    await q.query(`DROP FUNCTION event_store.append_group(jsonb, bigint, text)`);
    await q.query(`DROP FUNCTION event_store.append(text[], text[], text[], text[], bigint[], uuid[], text[], jsonb[], jsonb[], bigint, text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await new EventStoreAppendFunction1764500000000().up(q);
    await new EventStoreAppendGroup1764500000001().up(q);
    await q.query(`DROP FUNCTION event_store.append_many(int[], text[], text[], int[], int[], text[], text[], bigint[], uuid[], text[], jsonb[], jsonb[], boolean, bigint, text)`);
  }
}

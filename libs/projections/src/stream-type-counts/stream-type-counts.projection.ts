import { streamTypeOf, type RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { SCHEMA_STREAM_TYPE_COUNTS, StreamTypeCount } from './stream-type-count.entity';

export class StreamTypeCountsProjection implements Projection {
  readonly name = 'stream-type-counts';
  readonly schema = SCHEMA_STREAM_TYPE_COUNTS;
  readonly entities = [StreamTypeCount];

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const counts = new Map<string, { events: number; lastPosition: number }>();
    for (const event of events) {
      const type = streamTypeOf(event.streamId);
      const row = counts.get(type) ?? { events: 0, lastPosition: 0 };
      row.events += 1;
      row.lastPosition = event.position;
      counts.set(type, row);
    }
    // One statement per batch; counts are added in SQL, never read-modify-written here.
    // Unqualified: the runtime's search_path says which generation (live or rebuild) is written.
    await tx.query(
      `INSERT INTO stream_type_counts (stream_type, events, last_position)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
       ON CONFLICT (stream_type) DO UPDATE
         SET events = stream_type_counts.events + excluded.events, last_position = excluded.last_position`,
      [[...counts.keys()], [...counts.values()].map((c) => c.events), [...counts.values()].map((c) => c.lastPosition)],
    );
  }
}

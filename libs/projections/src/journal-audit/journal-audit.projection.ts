import type { RecordedEvent } from '@suivi/event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../runtime/projection';
import { EvenementJournal, SCHEMA_JOURNAL_AUDIT } from './journal-audit.entities';

/** Each event's position, time, author, stream and type: the audit's index of the log (never its data). */
export class JournalAuditProjection implements Projection {
  readonly name = 'journal-audit';
  readonly schema = SCHEMA_JOURNAL_AUDIT;
  readonly entities = [EvenementJournal];

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    // One statement per batch; unqualified: the runtime's search_path says which generation is written.
    await tx.query(
      `INSERT INTO evenements (position, recorded_at, user_id, stream_id, type, correlation_id)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [
        events.map((e) => e.position),
        events.map((e) => e.metadata.recordedAt),
        events.map((e) => e.metadata.userId),
        events.map((e) => e.streamId),
        events.map((e) => e.type),
        events.map((e) => e.metadata.correlationId),
      ],
    );
  }
}

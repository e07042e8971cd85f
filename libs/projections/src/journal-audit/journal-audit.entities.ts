import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCHEMA_JOURNAL_AUDIT = 'journal_audit';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

@Entity({ schema: SCHEMA_JOURNAL_AUDIT, name: 'evenements' })
export class EvenementJournal {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber }) position: number;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'user_id', type: 'text' }) userId: string;
  @Column({ name: 'stream_id', type: 'text' }) streamId: string;
  @Column({ type: 'text' }) type: string;
  @Column({ name: 'correlation_id', type: 'text' }) correlationId: string;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

export const SCHEMA_STREAM_TYPE_COUNTS = 'stream_type_counts';

/** How many events each kind of stream (marche, salarie, ...) holds: the runtime's proof projection. */
@Entity({ schema: SCHEMA_STREAM_TYPE_COUNTS, name: 'stream_type_counts' })
export class StreamTypeCount {
  @PrimaryColumn({ name: 'stream_type', type: 'text' })
  streamType: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  events: number;

  @Column({ name: 'last_position', type: 'bigint', transformer: bigintAsNumber })
  lastPosition: number;
}

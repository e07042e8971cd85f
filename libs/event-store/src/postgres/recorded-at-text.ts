import { types } from 'pg';

export const TIMESTAMPTZ_OID = 1184;

/**
 * A `timestamptz` as PostgreSQL writes it in UTC with a 4-digit year (`2026-11-24 03:19:01.123456+00`): its
 * `toISOString` is then a rearrangement of the text, with the milliseconds pg's parser keeps
 * (`1000 * parseFloat('.123456')`, truncated by `Date.UTC`).
 */
const UTC_TIMESTAMPTZ = /^([1-9]\d{3}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})?\+00$/;

/** `recorded_at`'s text to `metadata.recordedAt`, exactly as parsing it to a Date and `toISOString` give; remembers the last one. */
export class RecordedAtText {
  private lastText: string | null = null;
  private lastIso = '';
  private readonly parse = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (value: string) => Date;

  iso(text: string): string {
    if (text !== this.lastText) {
      this.lastIso = this.convert(text);
      this.lastText = text;
    }
    return this.lastIso;
  }

  private convert(text: string): string {
    const utc = UTC_TIMESTAMPTZ.exec(text);
    // Any other form (another session time zone, BC, years out of 1000-9999): pg's own parser.
    if (!utc) return this.parse(text).toISOString();
    const ms = utc[3] ? Math.trunc(1000 * parseFloat(utc[3])) : 0;
    return `${utc[1]}T${utc[2]}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }
}

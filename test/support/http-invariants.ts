import { Client } from 'pg';

/**
 * Invariants every HTTP answer must keep, shared by the fuzz and property suites:
 * the documented error shape, lower-case ids, and the log and projections seen from PostgreSQL.
 */

/** The seed of the fast-check suites: fixed, overridable with FUZZ_SEED to replay a run. */
export function fuzzSeed(): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return 20251123;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${raw}`);
  return seed | 0;
}

/** A direct connection to the test database, to count the events of the log. */
export async function connectLog(url: string): Promise<LogProbe> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return new LogProbe(client);
}

export interface CheckpointRow {
  name: string;
  position: number;
  [column: string]: unknown;
}

export class LogProbe {
  constructor(private readonly client: Client) {}

  /** Number of events in the log and its head (last global position). */
  async log(): Promise<{ count: number; head: number }> {
    const { rows } = await this.client.query<{ count: string; head: string }>(
      'SELECT count(*)::bigint AS count, coalesce(max(position), 0)::bigint AS head FROM event_store.events',
    );
    return { count: Number(rows[0].count), head: Number(rows[0].head) };
  }

  async checkpoints(): Promise<CheckpointRow[]> {
    const { rows } = await this.client.query('SELECT * FROM projections.checkpoints ORDER BY name');
    return rows.map((r) => ({ ...r, position: Number(r.position) }));
  }

  /**
   * Waits until every projection's checkpoint reaches the head of the log. Answers null when they
   * do, else what is behind (name, position, head and the error columns of the checkpoint row).
   */
  async waitForProjections(expected: readonly string[], timeoutMs = 10_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { head } = await this.log();
      const rows = await this.checkpoints();
      const behind = expected
        .map((name) => rows.find((r) => r.name === name) ?? { name, position: -1 })
        .filter((r) => r.position < head);
      const failed = rows.filter((r) => r.error_position !== undefined && r.error_position !== null);
      if (behind.length === 0 && failed.length === 0) return null;
      if (Date.now() > deadline) {
        const describe = (r: CheckpointRow) => {
          const errors = Object.entries(r)
            .filter(([k, v]) => k.startsWith('error_') && v !== null && v !== 0)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
          return `${r.name} at ${r.position}${r.position < 0 ? ' (no checkpoint row)' : ''}${errors.length ? ` [${errors.join(', ')}]` : ''}`;
        };
        return `head of the log ${head}; behind or failed: ${[...new Set([...behind, ...failed])].map(describe).join('; ')}`;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** The projections every process runs (README): each must follow the log to its head. */
export const PROJECTIONS = ['coordination-regionale', 'indicateurs', 'stream-type-counts'] as const;

export const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

const FRENCH_WORDS = new Set(
  'le la les l un une des du de d au aux à en et ou est sont doit doivent ne n pas plus ce cette ces cet aucun aucune votre vos vous il elle qui que dans pour par sur avec être vérifiez corrigez renseignez envoyez retirez indiquez réessayez requête corps champ champs identifiant date mois heures année'.split(' '),
);
const ENGLISH = /\b(?:the|must|should|cannot|could not|error|failed|not found|bad request|internal server|unexpected|invalid|is not|does not|property|expected)\b/i;

/** Why a message is not a French sentence, or null. */
export function frenchSentenceProblem(message: unknown): string | null {
  if (typeof message !== 'string') return `message is ${typeof message}, not a string`;
  const m = message.trim();
  if (m.length < 12) return `message too short: ${JSON.stringify(message)}`;
  if (ENGLISH.test(m)) return `message looks English: ${JSON.stringify(message)}`;
  const words = m.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  if (!words.some((w) => FRENCH_WORDS.has(w))) return `message does not look French: ${JSON.stringify(message)}`;
  if (!/[.!?»)]$/.test(m)) return `message does not end like a sentence: ${JSON.stringify(message)}`;
  return null;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

/** Problems of an error answer against API.md: `{ code, message, details }`, nothing else. */
export function errorShapeProblems(res: HttpAnswer): string[] {
  const problems: string[] = [];
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) problems.push(`error answered with Content-Type ${JSON.stringify(type)} (body ${preview(res.text ?? '')})`);
  const body = res.body as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    problems.push(`error body is not an object: ${preview(res.text ?? body)}`);
    return problems;
  }
  const keys = Object.keys(body).sort();
  if (keys.join(',') !== 'code,details,message') problems.push(`error body keys are [${keys.join(', ')}], expected exactly [code, details, message]`);
  if (typeof body.code !== 'string' || !UPPER_SNAKE.test(body.code)) problems.push(`code ${JSON.stringify(body.code)} is not an UPPER_SNAKE string`);
  const sentence = frenchSentenceProblem(body.message);
  if (sentence) problems.push(sentence);
  if (res.status === 400 && Array.isArray(body.details)) {
    for (const d of body.details as unknown[]) {
      const item = d as Record<string, unknown>;
      if (!item || typeof item !== 'object' || typeof item.champ !== 'string' || typeof item.message !== 'string') {
        problems.push(`details item ${preview(d)} is not { champ, message }`);
        continue;
      }
      const extra = Object.keys(item).filter((k) => k !== 'champ' && k !== 'message');
      if (extra.length) problems.push(`details item has extra keys [${extra.join(', ')}]`);
      if (ENGLISH.test(item.message)) problems.push(`details message looks English: ${JSON.stringify(item.message)}`);
    }
  }
  return problems;
}

const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isIdKey = (key: string) => key === 'id' || /Id$/.test(key) || /Ids$/.test(key) || key === 'placements';

/** Paths of ids (keys `id`, `…Id`, `…Ids`, `placements`) answered with upper-case letters. */
export function upperCaseIds(body: unknown, path = '$', underIdKey = false): string[] {
  if (typeof body === 'string') return underIdKey && UUID_ANY_CASE.test(body) && body !== body.toLowerCase() ? [`${path}=${body}`] : [];
  if (Array.isArray(body)) return body.flatMap((v, i) => upperCaseIds(v, `${path}[${i}]`, underIdKey));
  if (body && typeof body === 'object') {
    return Object.entries(body).flatMap(([k, v]) => upperCaseIds(v, `${path}.${k}`, isIdKey(k)));
  }
  return [];
}

export function preview(value: unknown, max = 300): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** A value written in the JSON text as is (`-0`, `1e309`, `9007199254740993`): JSON.stringify cannot say them. */
export class Raw {
  constructor(readonly json: string) {}
  toString(): string {
    return this.json;
  }
}

/** JSON.stringify that writes Raw values verbatim (and keeps lone surrogates escaped, as JSON.stringify does). */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.json);
      return `\u0000RAW${raws.length - 1}\u0000`;
    }
    return v;
  });
  if (text === undefined) return '';
  return text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i) => raws[Number(i)]);
}

/** A path segment as a client would write it; a lone surrogate (not encodable) as its CESU bytes. */
export function encodeSegment(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const next = value.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(value[i]);
    }
  }
  return out;
}

/** Mixed case of an id: every other letter upper-case. */
export function mixedCase(id: string): string {
  let upper = false;
  return id.replace(/[a-f]/g, (c) => ((upper = !upper) ? c.toUpperCase() : c));
}

/** Today in France (the domain's "today"), and its month. */
export function todayInParis(): { day: string; month: string } {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return { day, month: day.slice(0, 7) };
}

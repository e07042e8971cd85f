import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MOIS_2025 as MOIS, type BenchPerson } from '../bench/bench-people';

/**
 * The soak's clients: each one a user of one role, looping until the deadline over what that role does
 * every day, with a seeded random choice of the next request. Writers own their placements (no two
 * clients write one placement) and remember what the api acknowledged, so that the end can check it
 * against the log and the figures.
 */

export type Role = 'facilitatrice' | 'acheteur' | 'coordination' | 'auditeur';

/** A request kind's outcome counts and latencies. */
export interface Tally {
  ok: number;
  /** Status → count, for every answer that is not the one expected. */
  unexpected: Record<string, number>;
  /** Transport failures (connection refused or reset): retried for writes. */
  transportErrors: number;
  latenciesMs: number[];
}

/** What the facilitatrices' writes were acknowledged as: the hours of each (placement, month) as they stand. */
export interface Acknowledged {
  /** `placementId|mois` → hours (hundredths kept exact by the decimal input). */
  hours: Map<string, number>;
  /** Declaration id (HTTP declarations only) → its `placementId|mois`. */
  declarations: Map<string, string>;
}

export interface Context {
  base: string;
  deadline: number;
  tokens: Record<Role, string>;
  /** What every kind of request did. */
  tallies: Map<string, Tally>;
  acknowledged: Acknowledged;
  /** Ids the reads use. */
  marcheIds: string[];
  streamIds: string[];
  /** The last log position a write answered: the reads that follow may ask to see it. */
  lastPosition: number;
}


/** mulberry32: a small seeded generator, so that a run's choices can be replayed. */
export function generateur(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WRITE_RETRIES = 20;

function tally(ctx: Context, kind: string): Tally {
  let t = ctx.tallies.get(kind);
  if (!t) ctx.tallies.set(kind, (t = { ok: 0, unexpected: {}, transportErrors: 0, latenciesMs: [] }));
  return t;
}

interface Answer {
  status: number;
  body: any;
}

/**
 * One request, timed and tallied under `kind`. Writes carry an Idempotency-Key and are sent again with
 * it after a transport failure or a 5xx (an outcome unknown to the client); reads are not retried.
 */
async function request(
  ctx: Context,
  kind: string,
  role: Role,
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; expected: number[]; write?: boolean; accept?: string },
): Promise<Answer | null> {
  const t = tally(ctx, kind);
  const key = init.write ? randomUUID() : undefined;
  for (let attempt = 0; attempt <= (init.write ? WRITE_RETRIES : 0); attempt++) {
    const headers: Record<string, string> = { Authorization: `Bearer ${ctx.tokens[role]}`, Accept: init.accept ?? 'application/json' };
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    if (key) headers['Idempotency-Key'] = key;
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(`${ctx.base}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
      });
    } catch {
      t.transportErrors++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const text = init.accept && init.accept !== 'application/json' ? (await res.arrayBuffer(), '') : await res.text();
    t.latenciesMs.push(performance.now() - t0);
    if (init.expected.includes(res.status)) {
      t.ok++;
      const body = text ? JSON.parse(text) : null;
      if (typeof body?.position === 'number') ctx.lastPosition = Math.max(ctx.lastPosition, body.position);
      return { status: res.status, body };
    }
    t.unexpected[res.status] = (t.unexpected[res.status] ?? 0) + 1;
    if (!(init.write && res.status >= 500)) return null;
  }
  return null;
}

/** A facilitatrice: declares months of her placements, corrects some, imports a small file now and then, reads her to-do list. */
export async function facilitatrice(ctx: Context, personnes: BenchPerson[], seed: number): Promise<void> {
  const random = generateur(seed);
  const libres = personnes.flatMap((p) => MOIS.map((mois) => ({ p, mois })));
  // Shuffled once: the months are taken in a random order, each at most once.
  for (let i = libres.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [libres[i], libres[j]] = [libres[j], libres[i]];
  }
  const declarees: string[] = [];
  const heures = () => Math.round((7 + random() * 150) * 100) / 100;
  while (performance.now() < ctx.deadline) {
    const x = random();
    if (x < 0.5 && libres.length > 0) {
      const { p, mois } = libres.pop()!;
      const h = heures();
      const r = await request(ctx, 'POST /placements/{id}/heures', 'facilitatrice', `/api/placements/${p.placementId}/heures`, {
        method: 'POST',
        json: { mois, heures: h },
        expected: [201],
        write: true,
      });
      if (r) {
        ctx.acknowledged.hours.set(`${p.placementId}|${mois}`, h);
        ctx.acknowledged.declarations.set(r.body.id, `${p.placementId}|${mois}`);
        declarees.push(r.body.id);
      }
    } else if (x < 0.65 && declarees.length > 0) {
      const id = declarees[Math.floor(random() * declarees.length)];
      const cle = ctx.acknowledged.declarations.get(id)!;
      const avant = ctx.acknowledged.hours.get(cle)!;
      let h = heures();
      if (h === avant) h = Math.round((h + 1) * 100) / 100;
      const r = await request(ctx, 'POST /declarations/{id}/corrections', 'facilitatrice', `/api/declarations/${id}/corrections`, {
        method: 'POST',
        json: { heures: h, motif: 'Relevé rectifié par l’employeur' },
        expected: [201],
        write: true,
      });
      if (r) ctx.acknowledged.hours.set(cle, h);
    } else if (x < 0.68 && libres.length >= 3) {
      await importer(ctx, libres.splice(-3), heures);
    } else if (x < 0.85) {
      await request(ctx, 'GET /declarations/manquantes', 'facilitatrice', `/api/declarations/manquantes?mois=${MOIS[Math.floor(random() * 12)]}`, { expected: [200] });
    } else if (x < 0.97) {
      const p = personnes[Math.floor(random() * personnes.length)];
      await request(ctx, 'GET /placements/{id}', 'facilitatrice', `/api/placements/${p.placementId}`, { expected: [200] });
    } else {
      await request(ctx, 'GET /bilans/2025 (xlsx)', 'facilitatrice', '/api/bilans/2025?format=xlsx', {
        expected: [200],
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
    }
  }
}

/** A timesheet of a few rows (the template's columns, French CSV) sent as a user sends it: every row recorded, or none. */
async function importer(ctx: Context, lignes: Array<{ p: BenchPerson; mois: string }>, heures: () => number): Promise<void> {
  const rows = lignes.map(({ p, mois }) => ({ p, mois, h: heures() }));
  const [annee, jour] = [(d: string) => d.slice(0, 4), (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`];
  const csv = [
    'siret;nom;prenom;dateNaissance;marche;mois;heures',
    ...rows.map(({ p, mois, h }) => [p.marche.siret, p.nom, p.prenom, jour(p.dateNaissance), p.marche.numero, `${mois.slice(5)}/${annee(mois)}`, String(h).replace('.', ',')].join(';')),
  ].join('\r\n');
  const form = new FormData();
  form.append('fichier', new Blob([csv], { type: 'text/csv' }), 'heures.csv');
  const r = await request(ctx, 'POST /imports/heures', 'facilitatrice', '/api/imports/heures', { method: 'POST', form, expected: [201], write: true });
  if (r) for (const { p, mois, h } of rows) ctx.acknowledged.hours.set(`${p.placementId}|${mois}`, h);
}

/** An acheteur: their marchés, one marché's compliance, their indicators, the list as XLSX now and then. */
export async function acheteur(ctx: Context, seed: number): Promise<void> {
  const random = generateur(seed);
  while (performance.now() < ctx.deadline) {
    const x = random();
    if (x < 0.35) await request(ctx, 'GET /marches', 'acheteur', `/api/marches?page=1&tri=tauxRealisation&ordre=desc`, { expected: [200] });
    else if (x < 0.7) {
      // Their own marché answers 200; another donneur d'ordre's is out of their scope: 404, as an unknown id.
      const i = Math.floor(random() * ctx.marcheIds.length);
      await request(ctx, 'GET /marches/{id}/conformite', 'acheteur', `/api/marches/${ctx.marcheIds[i]}/conformite`, { expected: i === 0 ? [200] : [404] });
    } else if (x < 0.95) await request(ctx, 'GET /indicateurs', 'acheteur', '/api/indicateurs?du=2025-01-01&au=2025-12-31', { expected: [200] });
    else {
      await request(ctx, 'GET /marches (xlsx)', 'acheteur', '/api/marches?format=xlsx', {
        expected: [200],
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
    }
  }
}

/** The regional coordination: its followed marchés and figures, and their XLSX. */
export async function coordination(ctx: Context, seed: number): Promise<void> {
  const random = generateur(seed);
  while (performance.now() < ctx.deadline) {
    const x = random();
    if (x < 0.45) await request(ctx, 'GET /coordination-regionale/marches', 'coordination', '/api/coordination-regionale/marches', { expected: [200] });
    else if (x < 0.9) await request(ctx, 'GET /coordination-regionale/indicateurs', 'coordination', '/api/coordination-regionale/indicateurs?annee=2025', { expected: [200] });
    else {
      await request(ctx, 'GET /coordination-regionale/marches (xlsx)', 'coordination', '/api/coordination-regionale/marches?format=xlsx', {
        expected: [200],
        accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      });
    }
  }
}

/** An auditor: the journal, a stream's history, the national indicators as of the last write seen. */
export async function auditeur(ctx: Context, seed: number): Promise<void> {
  const random = generateur(seed);
  while (performance.now() < ctx.deadline) {
    const x = random();
    if (x < 0.4) await request(ctx, 'GET /audit/journal', 'auditeur', '/api/audit/journal', { expected: [200] });
    else if (x < 0.8) {
      const stream = ctx.streamIds[Math.floor(random() * ctx.streamIds.length)];
      await request(ctx, 'GET /audit/flux/{id}', 'auditeur', `/api/audit/flux/${encodeURIComponent(stream)}`, { expected: [200] });
    } else {
      // Read-your-writes under load: the figures as of the last position a write answered.
      await request(ctx, 'GET /indicateurs?apres=', 'auditeur', `/api/indicateurs?du=2025-01-01&au=2025-12-31&apres=${ctx.lastPosition}`, { expected: [200] });
    }
  }
}

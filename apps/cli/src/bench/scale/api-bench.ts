/**
 * Query latencies of the api on the generated database, under a background write load: the api
 * runs as a child process (its RSS is its own), a few clients declare hours continuously on the
 * placements left open, and each read is repeated sequentially.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { apiDied, apiEnv, signIn, startApi, stopApi, waitForHealth, waitForReady } from '../api-process';
import { freePort } from '../bench-database';
import { RssSampler, statusKb } from './memory';
import type { World } from './phases';

/** The projections catch up on a national log at the api's start: longer than the other benches allow. */
const READY_TIMEOUT_MS = 900_000;
/** How long the api has to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 15_000;
const MIN_REPETITIONS = 5;

export interface Secrets {
  auth: string;
  personal: string;
  dataDir: string;
}

export function newSecrets(dataDir: string): Secrets {
  return { auth: randomBytes(48).toString('base64url'), personal: randomBytes(32).toString('base64'), dataDir };
}

/** The roles the bench signs in as (created in the log by the users commands' UserDirectory). */
export const UTILISATEURS = {
  admin: 'bench-admin',
  facilitatrice: 'bench-facilitatrice',
  acheteur: 'bench-acheteur',
  coordination: 'bench-coordination',
  auditeur: 'bench-auditeur',
} as const;
export type RoleBench = keyof typeof UTILISATEURS;

export interface QueryStats {
  name: string;
  path: string;
  role: RoleBench;
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  /** Answers other than 200 (a 500 at scale is a finding). */
  errors: Record<string, number>;
}

export interface ApiBench {
  startSeconds: number;
  queries: QueryStats[];
  writes: { ok: number; declared: number; corrected: number; refused: Record<string, number>; perSecond: number; p50: number; p99: number; clients: number };
  /** Peak RSS of the api sampled during the queries, and the kernel's peak since its start (VmHWM), MB. */
  rssPeakMb: number;
  rssHwmMb: number | null;
  /** Why the queries stopped early (the api died), null when all ran. */
  failure: string | null;
}

export async function benchApi(
  databaseUrl: string,
  secrets: Secrets,
  motDePasse: string,
  world: World,
  options: { repetitions: number; writers: number; budgetSeconds: number },
  progress: (message: string) => void,
): Promise<ApiBench> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const api = startApi(
    // The bench's clients are few and fast: the per-user limits would answer 429, which is not what is measured.
    apiEnv({ databaseUrl, port, dataDir: secrets.dataDir, authSecret: secrets.auth, personalDataKey: secrets.personal, raiseRateLimits: true }),
  );
  try {
    await waitForHealth(base, api);
    await waitForReady(base, api, READY_TIMEOUT_MS);
    const startSeconds = (performance.now() - started) / 1000;
    progress(`  api prête en ${startSeconds.toFixed(1)} s (pid ${api.child.pid})`);

    const jetons = {} as Record<RoleBench, string>;
    for (const role of Object.keys(UTILISATEURS) as RoleBench[]) jetons[role] = await signIn(base, UTILISATEURS[role], motDePasse);

    const annee = world.annee;
    const du = `${annee}-01-01`;
    const au = `${annee}-12-31`;
    const requetes: Array<{ name: string; path: string; role: RoleBench }> = [
      { name: 'conformité d’un marché', path: `/api/marches/${world.marcheId}/conformite`, role: 'admin' },
      { name: `indicateurs nationaux ${annee}`, path: `/api/indicateurs?du=${du}&au=${au}`, role: 'admin' },
      { name: `indicateurs d’un donneur d’ordre ${annee}`, path: `/api/indicateurs?du=${du}&au=${au}`, role: 'acheteur' },
      { name: 'liste des marchés (page 1)', path: '/api/marches?page=1&taillePage=50', role: 'admin' },
      { name: 'liste des marchés triée par taux', path: '/api/marches?page=1&taillePage=50&tri=tauxRealisation&ordre=desc', role: 'admin' },
      { name: 'liste des salariés (page 1)', path: '/api/salaries?page=1&taillePage=50', role: 'facilitatrice' },
      { name: 'liste des placements (page 1)', path: '/api/placements?page=1&taillePage=50', role: 'facilitatrice' },
      { name: 'coordination : marchés suivis', path: '/api/coordination-regionale/marches?page=1&taillePage=50', role: 'coordination' },
      { name: `coordination : indicateurs ${annee}`, path: `/api/coordination-regionale/indicateurs?du=${du}&au=${au}`, role: 'coordination' },
      { name: `bilan ${annee}`, path: `/api/bilans/${annee}`, role: 'admin' },
    ];

    const rss = new RssSampler(api.child.pid!).start();
    const writes = backgroundWrites(base, jetons.facilitatrice, world, options.writers);
    const queries: QueryStats[] = [];
    let failure: string | null = null;
    try {
      for (const q of requetes) {
        const stats = await measure(base, q, jetons[q.role], options.repetitions, options.budgetSeconds * 1000, () => {
          if (api.exitCode !== undefined) throw apiDied(api);
        });
        queries.push(stats);
        const erreurs = Object.entries(stats.errors).map(([code, n]) => `${code}×${n}`).join(' ');
        progress(`  ${q.name} : p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms${erreurs ? ` (réponses en erreur : ${erreurs})` : ''}`);
      }
    } catch (error) {
      // The api died: what was measured before is kept and the failure reported with it.
      failure = error instanceof Error ? error.message : String(error);
      progress(`  ÉCHEC : ${failure.slice(0, 2000)}`);
    } finally {
      writes.stop();
    }
    const w = await writes.done;
    const rssPeakMb = rss.stop();
    const hwm = statusKb(api.child.pid!, 'VmHWM');
    progress(`  écritures de fond : ${w.declared} déclarations et ${w.corrected} corrections (${w.perSecond.toFixed(1)}/s), refus ${JSON.stringify(w.refused)}`);
    return { startSeconds, queries, writes: w, rssPeakMb, rssHwmMb: hwm === null ? null : hwm / 1e3, failure };
  } finally {
    await stopApi(api, STOP_GRACE_MS);
  }
}

async function measure(
  base: string,
  q: { name: string; path: string; role: RoleBench },
  jeton: string,
  repetitions: number,
  budgetMs: number,
  alive: () => void,
): Promise<QueryStats> {
  const errors: Record<string, number> = {};
  const once = async (): Promise<number> => {
    const t = performance.now();
    try {
      // One call longer than the whole budget is cut (reported as an error): the bench must end.
      const res = await fetch(`${base}${q.path}`, { headers: { Authorization: `Bearer ${jeton}`, Accept: 'application/json' }, signal: AbortSignal.timeout(Math.max(budgetMs, 10_000)) });
      await res.arrayBuffer();
      if (res.status !== 200) errors[String(res.status)] = (errors[String(res.status)] ?? 0) + 1;
    } catch (error) {
      // The api died (its output says why) or dropped the connection: a finding, not a crash of the bench.
      alive();
      const key = `échec ${error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error)}`;
      errors[key] = (errors[key] ?? 0) + 1;
    }
    return performance.now() - t;
  };
  // Two untimed calls: the first pays for cold caches and lazy compilation.
  await once();
  await once();
  for (const k of Object.keys(errors)) delete errors[k];
  const times: number[] = [];
  const started = performance.now();
  // A query of seconds at national scale would hold the run for an hour: past its budget it stops (n < repetitions, reported).
  while (times.length < repetitions && (times.length < MIN_REPETITIONS || performance.now() - started < budgetMs)) times.push(await once());
  const sorted = [...times].sort((a, b) => a - b);
  return { ...q, n: times.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), min: sorted[0], max: sorted[sorted.length - 1], errors };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

/**
 * Clients writing until stopped: first the next months of the open placements (POST
 * /placements/{id}/heures, each placement and month once), then corrections of those
 * declarations (POST /declarations/{id}/corrections, hours alternating so none is without effect).
 */
function backgroundWrites(base: string, jeton: string, world: World, clients: number) {
  const travail: Array<{ placementId: string; mois: string }> = [];
  const mois = (p: { premierMois: string; dernierMois: string }) => {
    const out: string[] = [];
    let [a, m] = p.premierMois.split('-').map(Number);
    for (;;) {
      const s = `${a}-${String(m).padStart(2, '0')}`;
      if (s > p.dernierMois) return out;
      out.push(s);
      if (m === 12) {
        a += 1;
        m = 1;
      } else m += 1;
    }
  };
  const parPlacement = world.placementsOuverts.map((p) => ({ id: p.placementId, mois: mois(p) }));
  // Month-major order: every placement's next month first, as a team would declare them.
  for (let k = 0; k < 12; k++) for (const p of parPlacement) if (p.mois[k]) travail.push({ placementId: p.id, mois: p.mois[k] });
  const declarations: string[] = [];
  let next = 0;
  let corrections = 0;
  let stopped = false;
  const refused: Record<string, number> = {};
  const times: number[] = [];
  let declared = 0;
  const started = performance.now();
  const post = async (path: string, body: unknown): Promise<string | null> => {
    const t = performance.now();
    try {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${jeton}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json().catch(() => ({}))) as { id?: string; code?: string };
      if (res.status === 201 || res.status === 200) {
        times.push(performance.now() - t);
        return answer.id ?? null;
      }
      const key = `${res.status} ${answer.code ?? ''}`.trim();
      refused[key] = (refused[key] ?? 0) + 1;
    } catch (error) {
      const key = error instanceof Error ? error.message : 'erreur';
      refused[key] = (refused[key] ?? 0) + 1;
    }
    return null;
  };
  const client = async () => {
    while (!stopped) {
      if (next < travail.length) {
        const { placementId, mois: m } = travail[next++];
        const id = await post(`/api/placements/${placementId}/heures`, { mois: m, heures: 35 });
        if (id) {
          declarations.push(id);
          declared++;
        }
      } else if (declarations.length > 0) {
        const k = corrections++;
        const id = declarations[k % declarations.length];
        // Each pass over the declarations switches their hours between 36 and 35.
        await post(`/api/declarations/${id}/corrections`, { heures: Math.floor(k / declarations.length) % 2 === 0 ? 36 : 35, motif: 'Relevé d’heures rectifié (bench)' });
      } else {
        refused['aucun placement ouvert'] = 1;
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: clients }, client)).then(() => {
    const sorted = [...times].sort((a, b) => a - b);
    const seconds = (performance.now() - started) / 1000;
    return { ok: times.length, declared, corrected: times.length - declared, refused, perSecond: times.length / seconds, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), clients };
  });
  return { done, stop: () => (stopped = true) };
}

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runMigrations } from '@suivi/database';
import { siretValide } from './support/fixtures';
import {
  ApiUnderTest,
  createUser,
  faultEnvironment,
  faultSeed,
  jsonHeaders,
  runCli,
  seededRandom,
  seedPlacements,
  signIn,
  sleep,
  waitForProjections,
  type FaultEnvironment,
} from './support/fault-processes';
import { startPostgresProcess, type PostgresProcess } from './support/postgres-process';
import { freePort, waitFor } from './support/processes';
import { createDatabase } from './support/test-database';

/**
 * Issue 19, "database restart under load": a PostgreSQL of the test's own (embedded, in a
 * temporary folder) under an api child process (projectors in process) while four clients declare
 * and correct hours over HTTP, each request with its Idempotency-Key, sent again after a 5xx or a
 * connection error until acknowledged. PostgreSQL goes away twice at seeded moments: once stopped
 * (fast shutdown) for 2 s, once crashed (immediate shutdown: no checkpoint, WAL recovery at the next
 * start) for 1 s. The api is never restarted.
 *
 * Checked: while PostgreSQL is down the api answers (503 BASE_INDISPONIBLE to writes, 503 on
 * /ready) and stays up; afterwards every acknowledged write is in the log exactly once, nothing
 * else is, no declaration is half-written; the projections resume from their checkpoints by
 * themselves and equal a replay (`audit:verify`); the chain is intact; the indicators hold exactly
 * the acknowledged hours. How long each recovery took is reported, not asserted.
 * (test/database-outage.e2e-spec.ts covers one outage under an in-process api with single writes.)
 */
const CLIENTS = 4;
const PLACEMENTS_PER_CLIENT = 3;
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const FACILITATRICE = 'facilitatrice-base';

describe('fault: PostgreSQL stopped and crashed under load, the api never restarted', () => {
  let dataDir: string;
  let port: number;
  let postgres: PostgresProcess | undefined;
  let db: { url: string; drop(): Promise<void> };
  let f: FaultEnvironment;
  let api: ApiUnderTest;
  const seed = faultSeed();
  const random = seededRandom(seed);
  /** The writers: ended by afterAll too, should an assertion fail first. */
  let writing = false;

  beforeAll(async () => {
    port = await freePort();
    // The folder itself (see service-start): the server's own user must be able to enter it.
    dataDir = mkdtempSync(join(tmpdir(), 'suivi-fault-pg-'));
    postgres = await startPostgresProcess({ dataDir, port });
    db = await createDatabase(postgres.url, 'fault_pg');
    await runMigrations(db.url);
    f = await faultEnvironment(db.url);
    await createUser(f.env, FACILITATRICE, 'facilitatrice');
    api = new ApiUnderTest(f);
    await api.start();
  }, 180_000);

  afterAll(async () => {
    writing = false;
    await api?.stop();
    await postgres?.stop();
    f?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A short-lived connection: PostgreSQL comes and goes in this test. */
  async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }
  const head = async () => Number((await query<{ p: string }>(`SELECT coalesce(max(position), 0) AS p FROM event_store.events`))[0].p);

  it('503 while it is down, then writes and projections resume by themselves: nothing lost, nothing twice', async () => {
    const started = Date.now();
    const jeton = await signIn(f.base, FACILITATRICE);
    const placementsOf = await seedPlacements(f.base, jeton, CLIENTS, PLACEMENTS_PER_CLIENT, siretValide(737_373_000 + (seed % 1000)));
    const seedHead = await head();
    const apiPid = api.pid;

    const declared = new Map<string, number>();
    const corrections = new Set<string>();
    const unexpected: string[] = [];
    const tally = { acks: 0, sent: 0, retries: 0, status503: 0, otherStatus5xx: 0, connectionErrors: 0, baseIndisponible: 0 };
    writing = true;

    async function acknowledged(path: string, body: unknown): Promise<{ id: string } | null> {
      const key = randomUUID();
      for (let attempt = 1; attempt <= 2_000; attempt++) {
        if (!writing && attempt > 1) throw new Error(`${path}: given up, the test is over`);
        if (attempt > 1) tally.retries++;
        tally.sent++;
        let res: Response;
        let text: string;
        try {
          res = await fetch(`${f.base}/api${path}`, {
            method: 'POST',
            headers: { ...jsonHeaders(jeton), 'Idempotency-Key': key },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(60_000),
          });
          text = await res.text();
        } catch {
          tally.connectionErrors++;
          await sleep(100);
          continue;
        }
        if (res.status === 201) {
          tally.acks++;
          return JSON.parse(text) as { id: string };
        }
        if (res.status >= 500) {
          if (res.status === 503) tally.status503++;
          else tally.otherStatus5xx++;
          if (text.includes('BASE_INDISPONIBLE')) tally.baseIndisponible++;
          await sleep(100 + Math.random() * 200);
          continue;
        }
        unexpected.push(`${path}: ${res.status} ${text}`);
        return null;
      }
      throw new Error(`${path}: not acknowledged after 2,000 attempts`);
    }

    const writers = placementsOf.map(async (placements, c) => {
      const rnd = seededRandom(seed + c + 1);
      const mine: string[] = [];
      for (const mois of MOIS) {
        for (const placementId of placements) {
          const heures = 10 + Math.floor(rnd() * 150);
          const ok = await acknowledged(`/placements/${placementId}/heures`, { mois, heures });
          if (!ok) return;
          declared.set(ok.id, heures);
          mine.push(ok.id);
        }
      }
      while (writing) {
        const id = mine[Math.floor(rnd() * mine.length)];
        const heures = declared.get(id)! >= 150 ? declared.get(id)! - 5 : declared.get(id)! + 5;
        const ok = await acknowledged(`/declarations/${id}/corrections`, { heures, motif: 'Relevé rectifié' });
        if (!ok) return;
        corrections.add(ok.id);
        declared.set(id, heures);
        await sleep(50);
      }
    });

    const total = CLIENTS * PLACEMENTS_PER_CLIENT * MOIS.length;
    const outages: Array<{ kind: string; atAcks: number; ready: number; write: number; recoverySeconds: number; projectionsSeconds: number }> = [];
    async function outage(kind: 'stop' | 'crash', threshold: number, downMs: number): Promise<void> {
      await waitFor(async () => tally.acks >= threshold || unexpected.length > 0, `${threshold} acknowledged writes`, 180_000, 10);
      const atAcks = tally.acks;
      if (kind === 'stop') await postgres!.stop();
      else await postgres!.crash();
      postgres = undefined;
      // Down: the api answers, with 503s.
      const ready = (await fetch(`${f.base}/ready`)).status;
      const write = await fetch(`${f.base}/api/donneurs-ordre`, {
        method: 'POST',
        headers: jsonHeaders(jeton),
        body: JSON.stringify({ nom: 'Pendant la panne', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }),
      });
      await sleep(downMs);
      postgres = await startPostgresProcess({ dataDir, port });
      const back = Date.now();
      const before = tally.acks;
      await waitFor(async () => tally.acks > before, 'a write to be acknowledged again', 120_000, 20);
      const recoverySeconds = (Date.now() - back) / 1000;
      // The projections resume by themselves: every one past the head of the log as it was when writes came back.
      const target = await head();
      await waitForProjections(f.base, async () => target);
      outages.push({ kind, atAcks, ready, write: write.status, recoverySeconds, projectionsSeconds: (Date.now() - back) / 1000 });
    }

    await outage('stop', Math.floor(total * (0.15 + 0.25 * random())), 2_000);
    await outage('crash', Math.floor(total * (0.55 + 0.3 * random())), 1_000);
    await waitFor(async () => tally.acks >= total + 20 || unexpected.length > 0, 'some corrections after the outages', 180_000, 20);
    writing = false;
    await Promise.all(writers);
    expect(unexpected).toEqual([]);
    expect(outages.map((o) => [o.ready, o.write])).toEqual([
      [503, 503],
      [503, 503],
    ]);
    // The same api process throughout.
    expect(api.pid).toBe(apiPid);
    expect(api.starts).toBe(1);

    // The log: each acknowledged write once, nothing else since the seed, no half-written declaration.
    const since = await query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM event_store.events WHERE position > $1 GROUP BY type ORDER BY type`,
      [seedHead],
    );
    expect(since).toEqual([
      { type: 'DeclarationRattachee', n: declared.size },
      { type: 'HeuresCorrigees', n: corrections.size },
      { type: 'HeuresDeclarees', n: declared.size },
    ]);
    const ids = await query<{ id: string; n: number }>(
      `SELECT data->>'declarationId' AS id, count(*)::int AS n FROM event_store.events WHERE type = 'HeuresDeclarees' GROUP BY 1`,
    );
    expect(ids.filter((r) => r.n !== 1 || !declared.has(r.id))).toEqual([]);
    const correctionIds = await query<{ id: string; n: number }>(
      `SELECT data->>'correctionId' AS id, count(*)::int AS n FROM event_store.events WHERE type = 'HeuresCorrigees' GROUP BY 1`,
    );
    expect(correctionIds.filter((r) => r.n !== 1 || !corrections.has(r.id))).toEqual([]);
    const locators = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM event_store.events l WHERE l.type = 'DeclarationRattachee'
         AND NOT EXISTS (SELECT 1 FROM event_store.events d WHERE d.type = 'HeuresDeclarees' AND d.data->>'declarationId' = l.data->>'declarationId')`,
    );
    expect(locators[0].n).toBe(0);

    await waitForProjections(f.base, head);
    const res = await fetch(`${f.base}/api/indicateurs?annee=2025`, { headers: jsonHeaders(jeton) });
    expect(res.status).toBe(200);
    const attendu = [...declared.values()].reduce((a, b) => a + b, 0);
    expect(((await res.json()) as { heuresRealisees: number }).heuresRealisees).toBeCloseTo(attendu, 2);
    expect(await api.stop()).toBe(0);
    const chain = await runCli(['audit:chain'], f.env);
    expect(chain.output).toMatch(/chaîne intacte/);
    expect(chain.code).toBe(0);
    const verify = await runCli(['audit:verify'], f.env, 180_000);
    if (verify.code !== 0) console.log(verify.output.slice(-6000));
    expect(verify.code).toBe(0);

    console.log(
      `fault-database-restart (seed ${seed}): PostgreSQL ${outages
        .map((o) => `${o.kind === 'stop' ? 'stopped 2 s' : 'crashed (immediate) 1 s'} at ${o.atAcks} writes (first write acknowledged again ${o.recoverySeconds.toFixed(1)} s after its start, every projection past that point ${o.projectionsSeconds.toFixed(1)} s after it)`)
        .join('; ')}; the same api process throughout; ${tally.acks} acknowledged writes (${declared.size} declarations, ${corrections.size} corrections), ` +
        `${tally.retries} retries (${tally.status503} answers 503, ${tally.baseIndisponible} of them BASE_INDISPONIBLE, ${tally.otherStatus5xx} other 5xx, ${tally.connectionErrors} connection errors); ` +
        `lost 0, duplicated 0, half-written 0; audit:chain intact, audit:verify identical; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 400_000);
});

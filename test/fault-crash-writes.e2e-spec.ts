import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { declarationIdDe } from '@suivi/commands';
import { siretValide } from './support/fixtures';
import {
  ApiUnderTest,
  createUser,
  faultEnvironment,
  faultSeed,
  jsonHeaders as headers,
  runCli,
  seededRandom,
  seedPlacements,
  signIn,
  sleep,
  waitForProjections,
  type FaultEnvironment,
} from './support/fault-processes';
import { createMigratedTestDatabase } from './support/test-database';

/**
 * Issue 19, "crash during writes, repeatedly": the api runs as a real child process (its
 * projectors in process) on a real PostgreSQL; six clients declare and correct hours over HTTP,
 * each request with its own Idempotency-Key, sent again (same key, same body) after a connection
 * error or a 5xx until it is answered 201; meanwhile the api is SIGKILLed several times at seeded
 * random moments (with requests in flight) and started again, sometimes killed again during its
 * start. Clients work in pairs on the same people (each person has a placement on two marchés,
 * one client per placement), so appends race on each person's stream too; a few writes cut by a
 * kill are given up by their client (never acknowledged).
 *
 * Then: every acknowledged write is in the log exactly once and nothing else is (by declaration
 * id, correction id and event id); no declaration is half-written (its locator without its event,
 * or the reverse); no request's answer is left unstored; the hash chain verifies (`audit:chain`);
 * once the projections have caught up, every read model equals a replay of the log
 * (`audit:verify`) and the indicators' hours are the clients' own sum.
 * FAULT_SEED=<n> replays a run's kill moments and hours; FAULT_KILLS and FAULT_PLACEMENTS (per
 * client, 12 declarations each) make it longer.
 */
const CLIENTS = 6;
/** FAULT_PLACEMENTS and FAULT_KILLS make a longer run (CI runs the defaults: 216 declarations, 5 kills). */
const PLACEMENTS_PER_CLIENT = positiveInt(process.env.FAULT_PLACEMENTS, 3);
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const KILLS = positiveInt(process.env.FAULT_KILLS, 5);
/** Share of the restarts killed again during the start (after 0.1 to 2 s), before the next kill. */
const BOOT_KILL_SHARE = 0.4;
const CORRECTION_SHARE = 0.35;
/** Share of the declarations cut by a kill that their client gives up on: writes never acknowledged. */
const ABANDON_SHARE = 0.3;
const FACILITATRICE = 'facilitatrice-pannes';

interface Tally {
  acknowledged: { declarations: number; corrections: number };
  sent: number;
  retries: number;
  connectionErrors: number;
  /** Requests sent and cut by a kill (reset, closed), as opposed to refused while the api was down. */
  cut: number;
  serverErrors: Record<string, number>;
  inFlight: number;
}

class Unexpected extends Error {}
/** A write cut by a kill that its client does not send again. */
class Abandoned extends Error {}

describe('fault: the api SIGKILLed repeatedly during HTTP declarations and corrections', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;
  let f: FaultEnvironment;
  let api: ApiUnderTest;
  let jeton: string;
  const seed = faultSeed();
  const random = seededRandom(seed);
  /** The clients' retries: ended by afterAll or a failed restart too, rather than retrying for minutes. */
  let running = false;

  const head = async () => Number((await sql.query(`SELECT coalesce(max(position), 0) AS p FROM event_store.events`)).rows[0].p);

  beforeAll(async () => {
    db = await createMigratedTestDatabase('fault_writes');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    f = await faultEnvironment(db.url);
    await createUser(f.env, FACILITATRICE, 'facilitatrice');
    api = new ApiUnderTest(f);
    await api.start();
    jeton = await signIn(f.base, FACILITATRICE);
  }, 180_000);

  afterAll(async () => {
    running = false;
    await api?.stop();
    await sql?.end();
    await db?.drop();
    f?.cleanup();
  });

  it('acknowledged writes are in the log exactly once, nothing is half-written, every projection equals a replay', async () => {
    const started = Date.now();
    // The referential and the people, through the api, before any fault.
    // Clients 2k and 2k+1 share group k's people: one on each person's first marché, one on the second.
    const groups = await seedPlacements(f.base, jeton, CLIENTS / 2, PLACEMENTS_PER_CLIENT, siretValide(919_191_000 + (seed % 1000)), 2);
    const placementsOf = Array.from({ length: CLIENTS }, (_, c) => groups[Math.floor(c / 2)].filter((_, i) => i % 2 === c % 2));
    const seedHead = await head();
    const seededIn = Date.now() - started;

    // Each client's plan, drawn before the run from the seed: its declarations in a shuffled order.
    const plans = placementsOf.map((placements) => shuffle(placements.flatMap((p) => MOIS.map((mois) => ({ placementId: p, mois }))), random));
    const declarationsPlanned = plans.reduce((n, plan) => n + plan.length, 0);
    const tally: Tally = { acknowledged: { declarations: 0, corrections: 0 }, sent: 0, retries: 0, connectionErrors: 0, cut: 0, serverErrors: {}, inFlight: 0 };
    /** Acknowledged declarations: id -> the hours they hold after the acknowledged corrections. */
    const declarations = new Map<string, number>();
    const corrections = new Set<string>();
    /** Declarations given up after a kill cut them: id -> their hours (in the log or not, never half). */
    const abandoned = new Map<string, number>();
    const keys: string[] = [];
    const unexpected: string[] = [];

    /**
     * POST until a 201: the same key and body again after a connection error or a 5xx; when
     * `giveUp` says so after a cut, the write is left unacknowledged (Abandoned).
     */
    async function acknowledged(path: string, body: unknown, giveUp: () => boolean = () => false): Promise<{ id: string; position: number }> {
      const key = randomUUID();
      for (let attempt = 1; ; attempt++) {
        if (!running) throw new Error(`${path}: given up, the test is stopping`);
        if (attempt > 1) tally.retries++;
        if (attempt > 2_000) throw new Error(`${path}: still not acknowledged after 2,000 attempts`);
        tally.sent++;
        tally.inFlight++;
        let status: number;
        let text: string;
        try {
          const res = await fetch(`${f.base}/api${path}`, {
            method: 'POST',
            headers: { ...headers(jeton), 'Idempotency-Key': key },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(60_000),
          });
          status = res.status;
          text = await res.text();
        } catch (error) {
          // Refused (the api is down), reset or cut (killed with the request in flight): send it again.
          tally.connectionErrors++;
          const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
          if (!refused) {
            tally.cut++;
            if (giveUp()) throw new Abandoned(key);
          }
          await sleep(50 + Math.random() * 150);
          continue;
        } finally {
          tally.inFlight--;
        }
        if (status === 201) {
          keys.push(key);
          return JSON.parse(text) as { id: string; position: number };
        }
        if (status >= 500) {
          tally.serverErrors[status] = (tally.serverErrors[status] ?? 0) + 1;
          await sleep(50 + Math.random() * 150);
          continue;
        }
        throw new Unexpected(`${path} ${JSON.stringify(body)}: ${status} ${text}`);
      }
    }

    async function client(c: number): Promise<void> {
      const rnd = seededRandom(seed + c + 1);
      const mine: string[] = [];
      for (const { placementId, mois } of plans[c]) {
        // At most 102.25 h a placement: a person's two placements stay under the 220 h of a month.
        const heures = 20 + Math.floor(rnd() * 80);
        let id: string;
        try {
          ({ id } = await acknowledged(`/placements/${placementId}/heures`, { mois, heures }, () => rnd() < ABANDON_SHARE));
        } catch (error) {
          if (!(error instanceof Abandoned)) throw error;
          abandoned.set(declarationIdDe(placementId, mois), heures);
          continue;
        }
        declarations.set(id, heures);
        mine.push(id);
        tally.acknowledged.declarations++;
        if (rnd() < CORRECTION_SHARE) {
          const declarationId = mine[Math.floor(rnd() * mine.length)];
          const avant = declarations.get(declarationId)!;
          const apres = avant >= 90 ? avant - 7.5 : avant + 12.25;
          const correction = await acknowledged(`/declarations/${declarationId}/corrections`, { heures: apres, motif: `Feuille de temps rectifiée (${c})` });
          corrections.add(correction.id);
          declarations.set(declarationId, apres);
          tally.acknowledged.corrections++;
        }
      }
    }

    // The kills: each when the acknowledged declarations pass a threshold drawn from the seed, after a
    // jitter of a few ms, whatever requests are in flight then; the api started again at once. The last
    // threshold leaves a third of the declarations to come: on a fast machine the clients could otherwise
    // finish while the api restarts, before the last kill.
    const thresholds = Array.from({ length: KILLS }, () => Math.floor(declarationsPlanned * (0.05 + 0.6 * random()))).sort((a, b) => a - b);
    const jitters = thresholds.map(() => Math.floor(random() * 40));
    const bootKills = thresholds.map(() => (random() < BOOT_KILL_SHARE ? 100 + Math.floor(random() * 1_900) : null));
    const kills: Array<{ afterAcks: number; inFlight: number }> = [];
    const duringStart: Array<{ afterMs: number; listening: boolean }> = [];
    let clientsDone = false;
    async function chaos(): Promise<void> {
      for (const [k, threshold] of thresholds.entries()) {
        while (!clientsDone && tally.acknowledged.declarations + abandoned.size < threshold) await sleep(5);
        if (clientsDone) return;
        await sleep(jitters[k]);
        kills.push({ afterAcks: tally.acknowledged.declarations + tally.acknowledged.corrections, inFlight: tally.inFlight });
        await api.kill();
        const boot = bootKills[k];
        if (boot !== null) {
          // Killed again while starting (migrations, projectors catching up, imports resumed).
          api.spawn();
          await sleep(boot);
          duringStart.push({ afterMs: boot, listening: await api.listening() });
          await api.kill();
        }
        await api.start();
      }
    }

    running = true;
    const chaosDone = chaos();
    // A restart that fails ends the clients' retries at once (the failure is reported by await chaosDone).
    chaosDone.catch(() => (running = false));
    const results = await Promise.allSettled(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    clientsDone = true;
    await chaosDone;
    for (const r of results) if (r.status === 'rejected') unexpected.push(r.reason instanceof Unexpected ? r.reason.message : String(r.reason));
    const writesIn = Date.now() - started - seededIn;
    expect(unexpected).toEqual([]);
    expect(kills).toHaveLength(KILLS);
    expect(tally.acknowledged.declarations + abandoned.size).toBe(declarationsPlanned);

    // The log, as the kills left it (the api is running again; no client writes any more).
    const declared = (
      await sql.query(`SELECT data->>'declarationId' AS id, count(*)::int AS n FROM event_store.events WHERE type = 'HeuresDeclarees' GROUP BY 1`)
    ).rows as Array<{ id: string; n: number }>;
    const located = (
      await sql.query(
        `SELECT substring(stream_id from 13) AS id, count(*)::int AS n, bool_and(type = 'DeclarationRattachee' AND data->>'declarationId' = substring(stream_id from 13)) AS ok
         FROM event_store.events WHERE stream_id LIKE 'declaration-%' GROUP BY 1`,
      )
    ).rows as Array<{ id: string; n: number; ok: boolean }>;
    const corrected = (
      await sql.query(`SELECT data->>'correctionId' AS id, count(*)::int AS n FROM event_store.events WHERE type = 'HeuresCorrigees' GROUP BY 1`)
    ).rows as Array<{ id: string; n: number }>;
    const declaredIds = new Map(declared.map((r) => [r.id, r.n]));
    const correctedIds = new Map(corrected.map((r) => [r.id, r.n]));

    const lost = [...declarations.keys()].filter((id) => !declaredIds.has(id)).length + [...corrections].filter((id) => !correctedIds.has(id)).length;
    const duplicated = declared.filter((r) => r.n > 1).length + corrected.filter((r) => r.n > 1).length;
    // In the log without an acknowledgement: only given-up declarations may be (their append may have committed).
    const unacknowledged = declared.filter((r) => !declarations.has(r.id)).length + corrected.filter((r) => !corrections.has(r.id)).length;
    const strays = declared.filter((r) => !declarations.has(r.id) && !abandoned.has(r.id)).length + corrected.filter((r) => !corrections.has(r.id)).length;
    const landed = new Map([...abandoned].filter(([id]) => declaredIds.has(id)));
    // A locator without its declaration, or a declaration without its one locator.
    const halfWritten =
      located.filter((r) => !declaredIds.has(r.id) || r.n !== 1 || !r.ok).length + declared.filter((r) => !located.some((l) => l.id === r.id)).length;

    expect({ lost, duplicated, strays, halfWritten }).toEqual({ lost: 0, duplicated: 0, strays: 0, halfWritten: 0 });
    expect(unacknowledged).toBe(landed.size);
    expect(declared).toHaveLength(declarations.size + landed.size);
    expect(corrected).toHaveLength(corrections.size);
    // Nothing but the acknowledged facts since the seed: no given-back locator, no stray event.
    const since = (
      await sql.query(`SELECT type, count(*)::int AS n FROM event_store.events WHERE position > $1 GROUP BY type ORDER BY type`, [seedHead])
    ).rows;
    expect(since).toEqual(
      [
        { type: 'DeclarationRattachee', n: declarations.size + landed.size },
        { type: 'HeuresCorrigees', n: corrections.size },
        { type: 'HeuresDeclarees', n: declarations.size + landed.size },
      ].filter((r) => r.n > 0),
    );
    expect(Number((await sql.query(`SELECT count(DISTINCT event_id) AS n FROM event_store.events`)).rows[0].n)).toBe(await head());
    // Every acknowledged key's answer is stored: a later retry gets it without running anything.
    const stored = (
      await sql.query(`SELECT count(*) FILTER (WHERE status_code = 201)::int AS answered, count(*)::int AS n FROM commands.idempotency_keys WHERE key = ANY($1)`, [keys])
    ).rows[0];
    expect(stored).toEqual({ answered: keys.length, n: keys.length });

    // The projections (killed mid-batch with the api) catch up, then equal a replay of the log.
    await waitForProjections(f.base, head);
    const indicateurs = await fetch(`${f.base}/api/indicateurs?annee=2025`, { headers: headers(jeton) });
    expect(indicateurs.status).toBe(200);
    const expectedHours = [...declarations.values(), ...landed.values()].reduce((a, b) => a + b, 0);
    expect(((await indicateurs.json()) as { heuresRealisees: number }).heuresRealisees).toBeCloseTo(expectedHours, 2);
    expect(await api.stop()).toBe(0);

    const chain = await runCli(['audit:chain'], f.env);
    expect(chain.output).toMatch(/chaîne intacte : \d+ événements/);
    expect(chain.code).toBe(0);
    const verify = await runCli(['audit:verify'], f.env, 180_000);
    if (verify.code !== 0) console.log(verify.output.slice(-6000));
    expect(verify.output).toMatch(/RESULT: every read model equals the replay of the log\./);
    expect(verify.code).toBe(0);

    const events = await head();
    console.log(
      `fault-crash-writes (seed ${seed}): ${kills.length + duringStart.length} SIGKILLs of the api: ${kills.length} while serving (requests in flight at each: ${kills.map((k) => k.inFlight).join(', ')}), ` +
        `${duringStart.length} during its start${duringStart.length ? ` (${duringStart.map((d) => `${d.afterMs} ms${d.listening ? ', listening' : ''}`).join('; ')})` : ''}, ` +
        `${CLIENTS} clients, ${tally.acknowledged.declarations + tally.acknowledged.corrections} acknowledged writes ` +
        `(${tally.acknowledged.declarations} declarations, ${tally.acknowledged.corrections} corrections), ${tally.sent} requests sent, ${tally.retries} retries ` +
        `(${tally.connectionErrors} connection errors of which ${tally.cut} cut in flight, 5xx ${JSON.stringify(tally.serverErrors)}); ` +
        `${abandoned.size} cut declarations given up (${landed.size} whole in the log, ${abandoned.size - landed.size} absent, 0 half); ` +
        `lost ${lost}, duplicated ${duplicated}, half-written ${halfWritten}; log ${events} events, chain intact, audit:verify identical; ` +
        `seed ${(seededIn / 1000).toFixed(1)} s, writes under faults ${(writesIn / 1000).toFixed(1)} s, total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000 * Math.max(1, PLACEMENTS_PER_CLIENT / 3, KILLS / 5));
});

function positiveInt(value: string | undefined, fallback: number): number {
  return value !== undefined && /^[1-9]\d*$/.test(value) ? Number(value) : fallback;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

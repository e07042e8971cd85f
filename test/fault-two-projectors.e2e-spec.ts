import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Client } from 'pg';
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
  type FaultEnvironment,
} from './support/fault-processes';
import { startApp, waitFor, type RunningProcess } from './support/processes';
import { createMigratedTestDatabase } from './support/test-database';

/**
 * Issue 19, "two projector processes started together and one killed": an api without in-process
 * projectors takes HTTP declarations from four clients while projector processes (apps/projector)
 * run the projections. Two start together; the one running the most projections is SIGKILLed;
 * the other must take every projection over; a third starts as a standby and the second is
 * SIGKILLed in turn. Throughout, every 50 ms, the projection locks (advisory, PostgreSQL) are
 * mapped to the OS process holding them (the backend's client port, found among the process's
 * sockets): each projection is held by at most one process at a time, by a live projector (or,
 * for a moment, by the session of the one just killed, until PostgreSQL sees it closed; never by
 * anything else), and its checkpoint never goes back. At the end the read models equal a replay (`audit:verify`)
 * and the indicators' hours are exactly the acknowledged ones: nothing counted twice.
 * No timing is asserted: how long each takeover took is reported.
 */
const CLIENTS = 4;
const PLACEMENTS_PER_CLIENT = 3;
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const LOCK_NAMESPACE = 7340;
const FACILITATRICE = 'facilitatrice-projecteurs';

describe('fault: two projector processes, the active one SIGKILLed while events are appended', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;
  let f: FaultEnvironment;
  let api: ApiUnderTest;
  const projectors: RunningProcess[] = [];
  const seed = faultSeed();
  const random = seededRandom(seed);
  /** The probe and the writers: ended by afterAll too, should an assertion fail first. */
  let probing = false;
  let writing = false;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('fault_projectors');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    f = await faultEnvironment(db.url, { PROJECTORS_IN_PROCESS: 'false', PROJECTION_BATCH_SIZE: '20' });
    await createUser(f.env, FACILITATRICE, 'facilitatrice');
    api = new ApiUnderTest(f);
    await api.start();
  }, 180_000);

  afterAll(async () => {
    probing = false;
    writing = false;
    for (const p of projectors) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(projectors.map((p) => p.exited));
    await api?.stop();
    await sql?.end();
    await db?.drop();
    f?.cleanup();
  });

  const head = async () => Number((await sql.query(`SELECT coalesce(max(position), 0) AS p FROM event_store.events`)).rows[0].p);

  /** Every client port seen for a projector's sockets, to name a killed projector's session still open. */
  const portsSeen = new Map<number, number>();

  /**
   * Each projection's lock holder(s): the OS pid of a live projector of ours, `dead:<pid>` for the
   * session of one killed (PostgreSQL has not seen it close yet), '?' for any other session.
   */
  async function holders(): Promise<Map<string, string[]>> {
    const { rows } = await sql.query(
      `SELECT c.name, a.client_port
       FROM projections.checkpoints c
       LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = hashtext(c.name)::oid
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE c.name NOT LIKE '%:%'`,
      [LOCK_NAMESPACE],
    );
    const owners = socketOwners(projectors.filter(alive).map((p) => p.child.pid!));
    for (const [port, pid] of owners) portsSeen.set(port, pid);
    const out = new Map<string, string[]>();
    for (const r of rows as Array<{ name: string; client_port: number | null }>) {
      const list = out.get(r.name) ?? [];
      if (r.client_port === null) {
        // Not held.
      } else if (owners.has(r.client_port)) list.push(String(owners.get(r.client_port)));
      else if (portsSeen.has(r.client_port)) list.push(`dead:${portsSeen.get(r.client_port)}`);
      else list.push('?');
      out.set(r.name, list);
    }
    return out;
  }

  it('exactly one process runs each projection; the standby takes over; nothing is counted twice', async () => {
    const started = Date.now();
    const jeton = await signIn(f.base, FACILITATRICE);
    const placementsOf = await seedPlacements(f.base, jeton, CLIENTS, PLACEMENTS_PER_CLIENT, siretValide(828_282_000 + (seed % 1000)));

    // The projections the api knows (it runs none itself), then two projectors started together.
    const ready = (await (await fetch(`${f.base}/ready`)).json()) as { projections: Array<{ name: string }> };
    const names = ready.projections.map((p) => p.name).sort();
    expect(names.length).toBeGreaterThan(1);
    projectors.push(startApp('projector', [], f.env), startApp('projector', [], f.env));
    const split = await waitFor(
      async () => {
        const h = await holders();
        if (!names.every((n) => h.get(n)?.length === 1)) return undefined;
        const counts = new Map<string, number>();
        for (const n of names) counts.set(h.get(n)![0], (counts.get(h.get(n)![0]) ?? 0) + 1);
        return [...counts.values()].sort((a, b) => b - a);
      },
      'every projection to be run by one of the two projectors',
      120_000,
      100,
    );
    // Each is held by one of the two, the other waits as a standby for it.
    expect(split.reduce((a, b) => a + b, 0)).toBe(names.length);

    // The probe: every 50 ms, who holds what; checkpoints never go back.
    const violations: string[] = [];
    const samples = { n: 0 };
    const deadSessions = { n: 0 };
    const lastCheckpoint = new Map<string, number>();
    const runBy = new Map<string, Set<string>>();
    probing = true;
    const probe = (async () => {
      while (probing) {
        const h = await holders().catch(() => null);
        const cps = (await sql.query(`SELECT name, position::int AS p FROM projections.checkpoints WHERE name NOT LIKE '%:%'`).catch(() => ({ rows: [] }))).rows as Array<{
          name: string;
          p: number;
        }>;
        if (h) {
          samples.n++;
          const live = new Set(projectors.filter(alive).map((p) => String(p.child.pid)));
          for (const [name, list] of h) {
            if (list.length > 1) violations.push(`${name} held by ${list.join(' and ')}`);
            for (const owner of list) {
              // The session of a projector just killed, until PostgreSQL notices it closed: it runs nothing.
              if (owner.startsWith('dead:')) deadSessions.n++;
              else if (!live.has(owner)) violations.push(`${name} held by ${owner}, not a live projector`);
              const set = runBy.get(name) ?? new Set();
              set.add(owner);
              runBy.set(name, set);
            }
          }
        }
        for (const { name, p } of cps) {
          if (p < (lastCheckpoint.get(name) ?? 0)) violations.push(`checkpoint of ${name} went back from ${lastCheckpoint.get(name)} to ${p}`);
          lastCheckpoint.set(name, p);
        }
        await sleep(50);
      }
    })();

    // Writers: each client declares its placements' months, then corrects them, until told to stop;
    // each request with its own Idempotency-Key (the api is never killed here: no retry expected).
    const declared = new Map<string, number>();
    const unexpected: string[] = [];
    let acks = 0;
    let corrections = 0;
    writing = true;
    const post = async (path: string, body: unknown): Promise<{ id: string } | null> => {
      const key = randomUUID();
      for (let attempt = 0; attempt < 100; attempt++) {
        const res = await fetch(`${f.base}/api${path}`, { method: 'POST', headers: { ...jsonHeaders(jeton), 'Idempotency-Key': key }, body: JSON.stringify(body) }).catch(() => null);
        if (res?.status === 201) {
          acks++;
          return (await res.json()) as { id: string };
        }
        if (res && res.status < 500) {
          unexpected.push(`${path}: ${res.status} ${await res.text()}`);
          return null;
        }
        await sleep(100);
      }
      throw new Error(`${path}: not acknowledged after 100 attempts`);
    };
    const writers = placementsOf.map(async (placements, c) => {
      const rnd = seededRandom(seed + c + 1);
      const mine: string[] = [];
      for (const mois of MOIS) {
        for (const placementId of placements) {
          if (!writing) return;
          const heures = 10 + Math.floor(rnd() * 150);
          const ok = await post(`/placements/${placementId}/heures`, { mois, heures });
          if (!ok) return;
          declared.set(ok.id, heures);
          mine.push(ok.id);
          await sleep(20 + Math.floor(rnd() * 60));
        }
      }
      while (writing) {
        const id = mine[Math.floor(rnd() * mine.length)];
        const heures = declared.get(id)! >= 150 ? declared.get(id)! - 5 : declared.get(id)! + 5;
        if (!(await post(`/declarations/${id}/corrections`, { heures, motif: 'Relevé rectifié' }))) return;
        declared.set(id, heures);
        corrections++;
        await sleep(20 + Math.floor(rnd() * 60));
      }
    });
    const total = CLIENTS * PLACEMENTS_PER_CLIENT * MOIS.length;

    /** Kills the projector running the most projections once `acks` passes `threshold`; answers who took over and when. */
    const takeovers: Array<{ killed: number; projections: number; survivor: number; seconds: number; atAcks: number }> = [];
    async function killActive(threshold: number): Promise<void> {
      await waitFor(async () => acks >= threshold, `${threshold} acknowledged declarations`, 120_000, 10);
      const h = await holders();
      const counts = new Map<string, number>();
      for (const list of h.values()) for (const o of list) counts.set(o, (counts.get(o) ?? 0) + 1);
      const [victimPid, held] = [...counts].sort((a, b) => b[1] - a[1])[0];
      const victim = projectors.find((p) => String(p.child.pid) === victimPid)!;
      expect(victim).toBeDefined();
      const atAcks = acks;
      victim.child.kill('SIGKILL');
      await victim.exited;
      const killedAt = Date.now();
      const survivor = projectors.find(alive)!;
      await waitFor(
        async () => {
          const now = await holders();
          return [...now.values()].every((l) => l.length === 1 && l[0] === String(survivor.child.pid));
        },
        'the surviving projector to take every projection over',
        120_000,
        50,
      );
      takeovers.push({ killed: Number(victimPid), projections: held, survivor: survivor.child.pid!, seconds: (Date.now() - killedAt) / 1000, atAcks });
    }

    // Each kill after a number of acknowledged writes drawn from the seed: writes go on throughout.
    await killActive(Math.floor(total * (0.1 + 0.25 * random())));
    // A third projector joins as a standby; the second, now active, is killed in turn.
    projectors.push(startApp('projector', [], f.env));
    await killActive(acks + 10 + Math.floor(30 * random()));
    const stopAt = acks + 20;
    await waitFor(async () => acks >= stopAt || unexpected.length > 0, 'more writes after the second takeover', 120_000, 10);
    writing = false;
    await Promise.all(writers);
    expect(unexpected).toEqual([]);

    // The last projector catches up with the head of the log.
    const target = await head();
    await waitFor(
      async () => {
        const { rows } = await sql.query(`SELECT min(position)::int AS p FROM projections.checkpoints WHERE name NOT LIKE '%:%'`);
        return rows[0].p >= target;
      },
      'the projections to catch up',
      120_000,
      100,
    );
    probing = false;
    await probe;
    expect(violations).toEqual([]);
    expect(takeovers).toHaveLength(2);
    // Every projection changed hands: run by the first survivor, then by the third projector.
    const [premier, second] = takeovers;
    for (const name of names) expect([...(runBy.get(name) ?? [])].filter((o) => !o.startsWith('dead:'))).toEqual(expect.arrayContaining([String(premier.survivor), String(second.survivor)]));

    // Nothing counted twice: the read model is a replay, and the indicators hold exactly the acknowledged hours.
    const res = await fetch(`${f.base}/api/indicateurs?annee=2025`, { headers: jsonHeaders(jeton) });
    expect(res.status).toBe(200);
    const attendu = [...declared.values()].reduce((a, b) => a + b, 0);
    expect(((await res.json()) as { heuresRealisees: number }).heuresRealisees).toBeCloseTo(attendu, 2);
    const { rows } = await sql.query(`SELECT type, count(*)::int AS n FROM event_store.events WHERE type IN ('HeuresDeclarees', 'HeuresCorrigees') GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual([
      { type: 'HeuresCorrigees', n: corrections },
      { type: 'HeuresDeclarees', n: declared.size },
    ]);
    const last = projectors.find(alive)!;
    last.child.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    const verify = await runCli(['audit:verify'], f.env, 180_000);
    if (verify.code !== 0) console.log(verify.output.slice(-6000));
    expect(verify.output).toMatch(/RESULT: every read model equals the replay of the log\./);
    expect(verify.code).toBe(0);

    console.log(
      `fault-two-projectors (seed ${seed}): ${names.length} projections, 2 projectors started together (split ${split.join('/')}), 2 SIGKILLs of the active one ` +
        `(${takeovers.map((t) => `${t.projections} projections taken over by the standby in ${t.seconds.toFixed(1)} s, at ${t.atAcks} writes`).join('; ')}); ` +
        `${samples.n} lock samples, 0 projections held by two processes, ${deadSessions.n} sightings of a killed projector's session not yet closed, 0 checkpoints going back; ${acks} writes acknowledged (${declared.size} declarations, ${corrections} corrections), ` +
        `indicators = ${attendu} h, audit:verify identical; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 400_000);
});

function alive(p: RunningProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** Local TCP port -> pid, for the sockets of these processes (Linux /proc). */
function socketOwners(pids: number[]): Map<number, number> {
  const inodeToPid = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodeToPid.set(m[1], pid);
      } catch {
        // Closed meanwhile.
      }
    }
  }
  const out = new Map<number, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const pid = inodeToPid.get(cols[9]);
      if (pid !== undefined) out.set(parseInt(cols[1].split(':')[1], 16), pid);
    }
  }
  return out;
}

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { validateConfig } from '@suivi/config';
import { runMigrations } from '@suivi/database';
import { createApiApp } from '../apps/api/src/api-app';
import { jetonDeTest, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';
import { startPostgresProcess, type PostgresProcess } from './support/postgres-process';
import { freePort, startApp, waitFor } from './support/processes';
import { createDatabase } from './support/test-database';

/**
 * Issue 19, "database restart under load": PostgreSQL goes away twice while facilitatrices declare hours
 * and an auditor reads the figures: once stopped cleanly, once crashed (its postmaster SIGKILLed: the
 * restart replays the WAL). Writers send each declaration with its Idempotency-Key and send it again
 * after a 503 or a transport failure, as a client should. The api is never restarted.
 * Then: every answer was a success or a 503 with a stable code (never a 500); every month declared is in
 * the log exactly once, nothing else is; the figures equal the hours acknowledged; and every projection
 * equals a replay of the log (`audit:verify`).
 */
const PERSONNES = 8;
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const ECRIVAINS = 4;

describe('fault: PostgreSQL restarted under load', () => {
  let dataDir: string;
  let port: number;
  let postgres: PostgresProcess | undefined;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'suivi-restart-'));
    postgres = await startPostgresProcess({ dataDir, port });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a clean stop and a crash of PostgreSQL during writes and reads: 503s meanwhile, then nothing lost, nothing twice, figures = replay', async () => {
    const db = await createDatabase(postgres!.url, 'restart');
    await runMigrations(db.url);
    app = await createApiApp({
      config: validateConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error', AUTH_SECRET: 'x'.repeat(40), RATE_LIMIT_WRITES_PER_SECOND: '100000', RATE_LIMIT_READS_PER_SECOND: '100000' }),
      databaseUrl: db.url,
    });
    await app.init();
    const server = app.getHttpServer();
    const jeton = await jetonDeTest(app, 'facilitatrice');
    const auditeur = await jetonDeTest(app, 'auditeur');
    const api = {
      post: (path: string, body: unknown) => request(server).post(`/api${path}`).set('Authorization', `Bearer ${jeton}`).send(body as object),
    } as unknown as TestApi;
    const marche = await marcheAttribue(api, {});
    const placements: string[] = [];
    for (let i = 0; i < PERSONNES; i++) placements.push(await placement(api, await salarieEligible(api), marche));

    // Every answer, by status and code: only successes and 503 with a stable code may appear.
    const statuts = new Map<string, number>();
    const noter = (status: number, body: { code?: string }) => {
      const cle = status >= 400 ? `${status} ${body?.code ?? '?'}` : String(status);
      statuts.set(cle, (statuts.get(cle) ?? 0) + 1);
    };
    const acquittees = new Map<string, number>(); // declaration id -> hours
    let envois = 0;
    let fini = false;

    const declarer = async (placementId: string, mois: string, heures: number) => {
      const cle = randomUUID();
      for (;;) {
        envois++;
        const res = await request(server)
          .post(`/api/placements/${placementId}/heures`)
          .set('Authorization', `Bearer ${jeton}`)
          .set('Idempotency-Key', cle)
          .send({ mois, heures })
          .catch(() => null);
        if (res) noter(res.status, res.body);
        if (res?.status === 201) return acquittees.set(res.body.id, heures);
        if (res && res.status !== 503) throw new Error(`declaration answered ${res.status}: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const ecrivain = async (k: number) => {
      for (const mois of MOIS) {
        for (let i = k; i < placements.length; i += ECRIVAINS) await declarer(placements[i], mois, 10 + i + Number(mois.slice(5)) / 4);
      }
    };
    const lecteur = async () => {
      while (!fini) {
        const res = await request(server).get('/api/indicateurs?du=2025-01-01&au=2025-12-31').set('Authorization', `Bearer ${auditeur}`).catch(() => null);
        if (res) noter(res.status, res.body);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const nombreDeclarees = () => acquittees.size;

    const ecrivains = Promise.all(Array.from({ length: ECRIVAINS }, (_, k) => ecrivain(k)));
    const lecture = lecteur();
    const pannes = (async () => {
      // 1. A clean (fast) stop, 2 s down.
      await waitFor(async () => nombreDeclarees() >= 12, 'a first dozen of declarations', 30_000, 20);
      await postgres!.stop();
      postgres = undefined;
      await new Promise((r) => setTimeout(r, 2_000));
      postgres = await startPostgresProcess({ dataDir, port });
      // 2. A crash: the postmaster killed outright; the next start replays the WAL.
      const avant = nombreDeclarees();
      await waitFor(async () => nombreDeclarees() >= avant + 12, 'a dozen more declarations after the restart', 30_000, 20);
      const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGKILL');
      await postgres.stop(); // its wrapper process: the server is already gone
      postgres = undefined;
      await new Promise((r) => setTimeout(r, 1_000));
      // Backends of the killed postmaster may linger an instant: start again until the server takes the folder.
      postgres = await waitFor(() => startPostgresProcess({ dataDir, port }).catch(() => undefined), 'PostgreSQL to start again after the crash', 30_000, 500);
    })();
    await pannes;
    // Writers end once every month is acknowledged (an answer other than 201 or 503 fails them); then the reader stops.
    await ecrivains;
    fini = true;
    await lecture;
    expect(nombreDeclarees()).toBe(PERSONNES * MOIS.length);

    // The projections catch up by themselves (the api was never restarted).
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      const head = Number((await sql.query(`SELECT max(position) AS p FROM event_store.events`)).rows[0].p);
      await waitFor(
        async () => {
          const res = await request(server).get('/ready');
          return res.status === 200 && res.body.projections.every((p: { position: number; lag: number; statut: string }) => p.statut === 'ok' && p.lag === 0 && p.position >= head);
        },
        'the projections to catch up by themselves',
        30_000,
        100,
      );

      // Only successes and 503 with stable codes; both outages were seen by the clients.
      const codes = [...statuts.keys()];
      expect(codes.filter((c) => !/^(200|201|503 (BASE_INDISPONIBLE|MAGASIN_INDISPONIBLE|LECTURE_EN_RETARD|SERVICE_INDISPONIBLE))$/.test(c))).toEqual([]);
      expect([...statuts].filter(([c]) => c.startsWith('503')).reduce((n, [, k]) => n + k, 0)).toBeGreaterThan(0);

      // Every acknowledged declaration once in the log, nothing else.
      const { rows } = await sql.query<{ id: string; n: string }>(`SELECT data->>'declarationId' AS id, count(*) AS n FROM event_store.events WHERE type = 'HeuresDeclarees' GROUP BY 1`);
      const dansLeLog = new Map(rows.map((r) => [r.id, Number(r.n)]));
      expect([...acquittees.keys()].filter((id) => dansLeLog.get(id) !== 1)).toEqual([]);
      expect(dansLeLog.size).toBe(acquittees.size);
      const { rows: doubles } = await sql.query(
        `SELECT data->>'placementId', data->>'mois' FROM event_store.events WHERE type = 'HeuresDeclarees' GROUP BY 1, 2 HAVING count(*) > 1`,
      );
      expect(doubles).toEqual([]);

      // The figures are the acknowledged hours, and every projection equals a replay of the log.
      const indicateurs = await request(server).get('/api/indicateurs?du=2025-01-01&au=2025-12-31').set('Authorization', `Bearer ${auditeur}`).expect(200);
      const attendu = [...acquittees.values()].reduce((s, h) => s + Math.round(h * 100), 0) / 100;
      expect(indicateurs.body.heuresRealisees).toBeCloseTo(attendu, 2);
      const verification = startApp('cli', ['audit:verify'], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
      const { code } = await verification.exited;
      expect({ code, sortie: code === 0 ? '' : verification.output().slice(-3000) }).toEqual({ code: 0, sortie: '' });
      console.log(
        `database restart under load: 1 clean stop + 1 crash (postmaster SIGKILL), ${acquittees.size} declarations acknowledged ` +
          `(${envois} sends, ${envois - acquittees.size} sent again), 0 lost, 0 twice; answers ${JSON.stringify(Object.fromEntries(statuts))}`,
      );
    } finally {
      await sql.end();
    }
  }, 180_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { validateConfig } from '@suivi/config';
import { runMigrations } from '@suivi/database';
import { createApiApp } from '../apps/api/src/api-app';
import { jetonDeTest } from './support/api-app';
import { startPostgresProcess, type PostgresProcess } from './support/postgres-process';
import { freePort, waitFor } from './support/processes';
import { createDatabase } from './support/test-database';

/**
 * PostgreSQL stopped for a few seconds under a running api (with its in-process projectors):
 * readiness and writes say so with stable French words and a 503, and when it comes back the
 * api and the projections recover by themselves within seconds, without a restart.
 * PostgreSQL runs from the built code (npm test builds first), see `postgres-process`.
 */
describe('database outage', () => {
  let dataDir: string;
  let port: number;
  let postgres: PostgresProcess | undefined;
  let app: INestApplication | undefined;
  let jeton: string;

  beforeAll(async () => {
    port = await freePort();
    // The folder itself (see service-start): the server's own user must be able to enter it.
    dataDir = mkdtempSync(join(tmpdir(), 'suivi-outage-'));
    postgres = await startPostgresProcess({ dataDir, port });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const write = (nom: string) =>
    request(app!.getHttpServer())
      .post('/api/donneurs-ordre')
      .set('Authorization', `Bearer ${jeton}`)
      .send({ nom, type: 'collectivite', region: 'Bourgogne-Franche-Comté' });
  const ready = () => request(app!.getHttpServer()).get('/ready');
  const caughtUpTo = async (position: number) => {
    const res = await ready();
    return (
      res.status === 200 &&
      res.body.projections.length === 6 &&
      res.body.projections.every((p: { position: number; lag: number; statut: string }) => p.statut === 'ok' && p.lag === 0 && p.position >= position)
    );
  };

  it('answers 503 while PostgreSQL is down, then writes and projections resume by themselves', async () => {
    const db = await createDatabase(postgres!.url, 'outage');
    await runMigrations(db.url);
    // error: the runners' warnings during the outage are expected, keep the test output readable.
    app = await createApiApp({ config: validateConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'error', AUTH_SECRET: 'x'.repeat(40) }), databaseUrl: db.url });
    await app.init();
    jeton = await jetonDeTest(app, 'facilitatrice');
    const first = await write('Avant la panne').expect(201);
    await waitFor(() => caughtUpTo(first.body.position), 'the projections to catch up', 20_000, 50);

    await postgres!.stop();
    postgres = undefined;
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ pret: false, baseDeDonnees: 'indisponible', magasinEvenements: 'indisponible' });
    // Stable words only: nothing of the driver (codes, addresses, its messages).
    expect(JSON.stringify(down.body)).not.toMatch(/ECONN|connect|terminat|127\.0\.0\.1|localhost|postgres|${port}/i);
    const refused = await write('Pendant la panne');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'BASE_INDISPONIBLE' });
    expect(JSON.stringify(refused.body)).not.toMatch(/ECONN|127\.0\.0\.1|${port}/);
    // Down long enough for every runner to have failed and backed off a few times.
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await ready()).status).toBe(503);

    postgres = await startPostgresProcess({ dataDir, port });
    const back = Date.now();
    const second = await waitFor(
      async () => {
        const res = await write('Après la panne');
        return res.status === 201 && (res.body as { position: number });
      },
      'a write to succeed again',
      10_000,
      100,
    );
    await waitFor(() => caughtUpTo(second.position), 'the projections to catch up by themselves', 10_000, 100);
    // The transient backoff is capped at 5 s: the projections resume within seconds, not half a minute.
    expect(Date.now() - back).toBeLessThan(8_000);
  }, 90_000);
});

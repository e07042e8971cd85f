import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { validateConfig } from '@suivi/config';
import { createApiApp } from '../apps/api/src/api-app';
import { waitFor } from './support/processes';
import { createMigratedTestDatabase } from './support/test-database';

describe('api basics', () => {
  let db: { url: string; drop(): Promise<void> };
  let app: INestApplication;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('api');
    const config = validateConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    app = await createApiApp({ config, databaseUrl: db.url });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('GET /health answers 200 ok', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({ statut: 'ok' });
  });

  it('GET /ready reports the database, the event store and each projection lag', async () => {
    // The in-process runners take their locks just after the start: wait until each one runs.
    const res = await waitFor(async () => {
      const ready = await request(app.getHttpServer()).get('/ready');
      return ready.body.projections?.every((p: { running: boolean }) => p.running) && ready;
    }, 'every projection running', 10_000, 50);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pret: true, baseDeDonnees: 'ok', magasinEvenements: 'ok' });
    expect(res.body.projections.map((p: { name: string }) => p.name).sort()).toEqual(['annuaire', 'coordination-regionale', 'indicateurs', 'journal-audit', 'stream-type-counts', 'utilisateurs']);
    expect(res.body.projections[0]).toEqual(expect.objectContaining({ position: expect.any(Number), lag: expect.any(Number), running: true }));
  });

  it('serves the OpenAPI document and its UI', async () => {
    const json = await request(app.getHttpServer()).get('/api/docs/json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    const ui = await request(app.getHttpServer()).get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers an unknown route with a stable code and a French message', async () => {
    const res = await request(app.getHttpServer()).get('/api/inconnu').expect(404);
    expect(res.body).toEqual({ code: 'RESSOURCE_INTROUVABLE', message: expect.stringContaining('URL'), details: null });
  });

  it('answers malformed JSON with 400 and a stable code', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/inconnu')
      .set('Content-Type', 'application/json')
      .send('{"nom": ')
      .expect(400);
    expect(res.body.code).toBe('JSON_INVALIDE');
    expect(res.body.message).toMatch(/JSON/);
  });
});

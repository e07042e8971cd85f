import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { validateConfig } from '@suivi/config';
import { createApiApp } from '../../apps/api/src/api-app';
import { createMigratedTestDatabase } from './test-database';

export const FACILITATRICE = 'facilitatrice-1';

/** The real api on its own fresh database, and a small client speaking as a facilitatrice. */
export async function startTestApi(prefix: string, env: Record<string, string> = {}) {
  const db = await createMigratedTestDatabase(prefix);
  const config = validateConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...env });
  const app: INestApplication = await createApiApp({ config, databaseUrl: db.url });
  await app.init();
  const server = app.getHttpServer();
  const withHeaders = (req: request.Test, headers: Record<string, string>) => {
    for (const [k, v] of Object.entries({ 'X-User-Id': FACILITATRICE, ...headers })) if (v !== '') req.set(k, v);
    return req;
  };
  return {
    app,
    db,
    server,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) => withHeaders(request(server).post(`/api${path}`), headers).send(body as object),
    put: (path: string, body: unknown, headers: Record<string, string> = {}) => withHeaders(request(server).put(`/api${path}`), headers).send(body as object),
    get: (path: string) => request(server).get(`/api${path}`),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;

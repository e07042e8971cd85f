import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startApp, waitFor } from './support/processes';

/** The README's first command: the built api with no DATABASE_URL starts its own PostgreSQL. */
describe('service start with the embedded default', () => {
  it('serves /health and /api/docs, then stops cleanly with its PostgreSQL', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'suivi-data-'));
    const api = startApp('api', [], {
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      // The folder itself, not a child of it: mkdtemp makes it 0700, which the embedded server's
      // own user (created when running as root) could not traverse.
      EMBEDDED_PG_DATA_DIR: mkdtempSync(join(tmpdir(), 'suivi-start-')),
      LOG_LEVEL: 'info',
    });
    try {
      const answered = waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 'the api', 60_000, 200);
      const died = api.exited.then(() => Promise.reject(new Error(`the api exited:\n${api.output()}`)));
      await Promise.race([answered, died]);
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ statut: 'ok' });
      expect((await fetch(`http://127.0.0.1:${port}/api/docs`)).status).toBe(200);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as { pret: boolean };
      expect(ready.pret).toBe(true);
      expect(api.output()).toContain(`http://localhost:${port}/api/docs`);
      // A newcomer is told how to get in, and the api made its own signing secret in the data folder.
      await waitFor(async () => api.output().includes('no active admin yet'), 'the first-admin hint', 15_000, 100);
      expect(api.output()).toContain('npm run cli -- users:create --identifiant admin --role admin');
      expect(statSync(join(dataDir, 'auth-secret')).mode & 0o777).toBe(0o600);
      expect((await fetch(`http://127.0.0.1:${port}/api/marches`)).status).toBe(401);
    } finally {
      api.child.kill('SIGTERM');
    }
    expect((await api.exited).code).toBe(0);
    const client = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres` });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow();
  }, 90_000);

  it('in production, refuses to start without a strong AUTH_SECRET', async () => {
    const api = startApp('api', [], { NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: String(await freePort()) });
    expect((await api.exited).code).toBe(1);
    expect(api.output()).toContain('AUTH_SECRET must be set in production');
  });

  it('refuses to start on an invalid variable and names it', async () => {
    const api = startApp('api', [], { PORT: 'quatre-vingt' });
    const { code } = await api.exited;
    expect(code).toBe(1);
    expect(api.output()).toContain('PORT');
  });
});

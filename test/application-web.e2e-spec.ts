import request from 'supertest';
import { dossierDeLApplicationWeb } from '../apps/api/src/application-web/application-web';
import { startTestApi, type TestApi } from './support/api-app';

/** The web application is served by the api, same origin: its page for every address that is not the API's. */
describe("l'application web servie par l'api", () => {
  let api: TestApi;

  beforeAll(async () => {
    // `npm test` builds it first (npm run build); a bare jest run needs `npm run build` once.
    if (!dossierDeLApplicationWeb()) throw new Error("l'application web n'est pas construite : lancez npm run build");
    api = await startTestApi('application_web');
  });
  afterAll(async () => {
    await api?.close();
  });

  it("répond la page de l'application à / et à toute adresse de page, sans cache, avec les en-têtes de sécurité", async () => {
    for (const chemin of ['/', '/marches', '/marches/3f1c0000-0000-4000-8000-000000000001', '/a-faire?mois=2025-03']) {
      const res = await request(api.server).get(chemin).expect(200);
      expect({ chemin, type: res.headers['content-type'] }).toEqual({ chemin, type: expect.stringMatching(/^text\/html/) });
      expect(res.text).toContain('<html lang="fr">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('sert les fichiers construits, en cache long, et un fichier absent est un 404 JSON', async () => {
    const page = (await request(api.server).get('/').expect(200)).text;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1];
    const res = await request(api.server).get(script).set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    const absent = await request(api.server).get('/assets/absent.js').expect(404);
    expect(absent.body.code).toBe('RESSOURCE_INTROUVABLE');
  });

  it("laisse à l'API ses adresses : un chemin inconnu de /api reste un 404 JSON, une écriture sur / aussi", async () => {
    expect((await request(api.server).get('/api/nulle-part').expect(404)).body.code).toBe('RESSOURCE_INTROUVABLE');
    expect((await request(api.server).post('/').send({}).expect(404)).body.code).toBe('RESSOURCE_INTROUVABLE');
    expect((await request(api.server).get('/health').expect(200)).headers['content-type']).toMatch(/json/);
    // The API's answers are not recompressed here (a reverse proxy may).
    expect((await request(api.server).get('/api/nulle-part').set('Accept-Encoding', 'gzip')).headers['content-encoding']).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';

/**
 * The edge refuses what no projection could hold (issue: "one request must never stop the read
 * side"): each case was reproduced as a 201 that wedged the projections, or as a 500.
 */
describe('bounded, normalised input', () => {
  let api: TestApi;
  let db: Client;
  const eventCount = async () => Number((await db.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);

  beforeAll(async () => {
    api = await startTestApi('bounds');
    db = new Client({ connectionString: api.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await api?.close();
  });

  /** Sends a refused request and checks its status, code, French message, and that the log did not grow. */
  async function refused(send: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await eventCount();
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(Object.keys(res.body).sort()).toEqual(['code', 'details', 'message']);
    expect(res.body.message).toMatch(/^[A-ZÀ-Ý].{20,}/);
    expect(await eventCount()).toBe(before);
    return res.body;
  }

  const marche = (over: Record<string, unknown>, { donneurOrdreId, operationId }: { donneurOrdreId: string; operationId: string }) => ({
    donneurOrdreId,
    operationId,
    numero: `B-${randomUUID().slice(0, 8)}`,
    objet: 'Voirie',
    secteur: 'btp',
    sousSecteur: 'travaux_publics',
    baseJuridique: 'L2112-2',
    heuresPrevues: 1000,
    dateDebut: '2025-01-01',
    dateFin: '2025-12-31',
    ...over,
  });

  it('row 1: heuresPrevues of 1e17 (marché and avenant) and huge objectives are a 400, the largest allowed values a 201', async () => {
    const ids = await marcheAttribue(api);
    const body = await refused(() => api.post('/marches', marche({ heuresPrevues: 1e17 }, ids)), 400, 'REQUETE_INVALIDE');
    expect(body.details).toEqual([{ champ: 'heuresPrevues', message: expect.stringContaining('10') }]);
    await refused(() => api.post(`/marches/${ids.marcheId}/avenants`, { heuresPrevues: 1e17, motif: 'x' }), 400, 'REQUETE_INVALIDE');
    await refused(() => api.post('/objectifs/2025', { heures: 1000, partQpvPersonnes: 0.2, personnesEnEmploi: 3e9 }), 400, 'REQUETE_INVALIDE');
    await refused(() => api.post('/objectifs/2025', { heures: 1e308, partQpvPersonnes: 0.2, personnesEnEmploi: 45 }), 400, 'REQUETE_INVALIDE');

    expect((await api.post('/marches', marche({ heuresPrevues: 10_000_000 }, ids))).status).toBe(201);
    expect((await api.post('/objectifs/2025', { heures: 100_000_000, partQpvPersonnes: 1, personnesEnEmploi: 1_000_000 })).status).toBe(201);
    const { body: written } = await api.post(`/marches/${ids.marcheId}/avenants`, { heuresPrevues: 9_999_999.99, motif: 'Extension' });
    const indicateurs = await api.get(`/indicateurs?apres=${written.position}`);
    expect(indicateurs.status).toBe(200);
  });

  it('row 2: a uuid sent in upper case names the same resource as in lower case, and is answered in lower case', async () => {
    const id = randomUUID();
    const salarie = { nom: 'Martin', prenom: 'Léa', sexe: 'F', dateNaissance: '1999-01-01', commune: 'Dijon', quartierQpv: null, niveauFormation: '4' };
    const first = await api.post('/salaries', { id: id.toUpperCase(), ...salarie });
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id);
    const second = await api.post('/salaries', { id, ...salarie });
    expect({ status: second.status, code: second.body.code }).toEqual({ status: 422, code: 'SALARIE_DEJA_ENREGISTRE' });
    expect((await api.get(`/salaries/${id.toUpperCase()}`)).body.id).toBe(id);
    // The projections took the one salarié and are still at the head of the log.
    const read = await api.get(`/indicateurs?apres=${first.body.position}`);
    expect(read.status).toBe(200);
  });

  it('row 5: a body over 100 KB is a 413, malformed JSON and deep nesting a 400, another content type a 415', async () => {
    await refused(() => api.post('/donneurs-ordre', { nom: 'x'.repeat(200_000), type: 'etat', region: 'BFC' }), 413, 'REQUETE_TROP_VOLUMINEUSE');
    await refused(
      () => request(api.server).post('/api/donneurs-ordre').set(api.entetes).set('Content-Type', 'application/json').send('{"nom": "x",'),
      400,
      'JSON_INVALIDE',
    );
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    await refused(
      () => request(api.server).post('/api/donneurs-ordre').set(api.entetes).set('Content-Type', 'application/json').send(`{"nom": ${deep}}`),
      400,
      'JSON_TROP_PROFOND',
    );
    await refused(
      () => request(api.server).post('/api/donneurs-ordre').set(api.entetes).set('Content-Type', 'text/plain').send('nom=x'),
      415,
      'TYPE_DE_CONTENU_NON_SUPPORTE',
    );
  });

  it.each([
    ['a NUL character', 'Région\u0000BFC'],
    ['a line break', 'Région\nBFC'],
    ['a lone surrogate', 'Région \ud800'],
    ['only spaces', '   '],
  ])('row 4/5: a text with %s is a 400 naming the field', async (_label, nom) => {
    const body = await refused(() => api.post('/donneurs-ordre', { nom, type: 'etat', region: 'BFC' }), 400, 'REQUETE_INVALIDE');
    expect(body.details).toEqual([{ champ: 'nom', message: expect.any(String) }]);
  });

  it('texts are stored trimmed; accents and emoji are kept', async () => {
    const res = await api.post('/donneurs-ordre', { nom: '  Ville de Chenôve 🏗️  ', type: 'collectivite', region: ' BFC ' });
    expect(res.status).toBe(201);
    expect((await api.get(`/donneurs-ordre/${res.body.id}`)).body).toMatchObject({ nom: 'Ville de Chenôve 🏗️', region: 'BFC' });
  });

  it('row 5: hours of 1e-7, 744.01 or given as text are a 400; 220.01 is the business rule (422)', async () => {
    const ids = await marcheAttribue(api);
    const placementId = await placement(api, await salarieEligible(api), ids);
    for (const heures of [1e-7, 744.01, '10', -1, 1.005]) {
      await refused(() => api.post(`/placements/${placementId}/heures`, { mois: '2025-03', heures }), 400, 'REQUETE_INVALIDE');
    }
    await refused(() => api.post(`/placements/${placementId}/heures`, { mois: '2025-03', heures: 220.01 }), 422, 'HEURES_MAX_MOIS_DEPASSEES');
    expect((await api.post(`/placements/${placementId}/heures`, { mois: '2025-03', heures: 220 })).status).toBe(201);
  });

  it.each(['2025.0', '02025', '2025%20', '1999'])('a year %s in the path is a 400, never read as 2025', async (annee) => {
    await refused(() => api.get(`/bilans/${annee}`), 400, 'ANNEE_INVALIDE');
    await refused(() => api.post(`/objectifs/${annee}`, { heures: 1, partQpvPersonnes: 0.2, personnesEnEmploi: 1 }), 400, 'ANNEE_INVALIDE');
  });

  it('a query string over 16 KB is a 431 in the error shape (Node refuses it before any route)', async () => {
    const res = await request(api.server).get(`/api/marches?secteur=${'a'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.body).toEqual({ code: 'EN_TETES_TROP_VOLUMINEUX', message: expect.stringContaining('16 Ko'), details: null });
  });

  it('a body that is not a JSON object is a 400 in French', async () => {
    const { marcheId } = await marcheAttribue(api);
    await refused(() => api.post(`/marches/${marcheId}/cloture`, []), 400, 'CORPS_INVALIDE');
    const body = await refused(() => api.post('/donneurs-ordre', JSON.parse('{"nom":"X","type":"etat","region":"BFC","__proto__":{"admin":true}}')), 400, 'REQUETE_INVALIDE');
    expect(body.details).toEqual([{ champ: '__proto__', message: expect.stringContaining('retirez') }]);
    await refused(() => api.post('/donneurs-ordre', { nom: 'X', type: 'etat', region: 'BFC', toString: 1 }), 400, 'REQUETE_INVALIDE');
  });

  it('query parameters: page and apres are bounded, ids in any case', async () => {
    await refused(() => api.get('/marches?page=1e9'), 400, 'REQUETE_INVALIDE');
    await refused(() => api.get('/indicateurs?apres=1e300'), 400, 'REQUETE_INVALIDE');
    const { donneurOrdreId } = await marcheAttribue(api);
    const upper = await api.get(`/marches?donneurOrdreId=${donneurOrdreId.toUpperCase()}`);
    const lower = await api.get(`/marches?donneurOrdreId=${donneurOrdreId}`);
    expect(upper.status).toBe(200);
    expect(upper.body.total).toBe(lower.body.total);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible, siretValide } from './support/fixtures';

/** Races and retries: the per-person monthly cap holds, and no retry ever appends twice. */
describe('write API under concurrency and retries', () => {
  let api: TestApi;
  let sql: Client;
  beforeAll(async () => {
    api = await startTestApi('concurrency');
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const eventCount = async () => Number((await sql.query('SELECT count(*) FROM event_store.events')).rows[0].count);

  it('never accepts more than 220 h for one person in a month when six placements declare at once', async () => {
    const salarieId = await salarieEligible(api);
    const placements: string[] = [];
    for (let i = 0; i < 6; i++) placements.push(await placement(api, salarieId, await marcheAttribue(api)));
    const answers = await Promise.all(placements.map((p) => api.post(`/placements/${p}/heures`, { mois: '2025-05', heures: 44 })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 201, 422]);
    expect(answers.find((a) => a.status === 422)!.body.code).toBe('HEURES_MAX_MOIS_DEPASSEES');
    const totals = await Promise.all(placements.map(async (p) => (await api.get(`/placements/${p}`)).body.heuresTotales));
    expect(totals.reduce((a: number, b: number) => a + b, 0)).toBe(220);
  });

  it('a retry after a lost answer (crash before the answer was stored) appends nothing twice', async () => {
    const marche = await marcheAttribue(api);
    const placementId = await placement(api, await salarieEligible(api), marche);
    const key = randomUUID();
    const first = await api.post(`/placements/${placementId}/heures`, { mois: '2025-06', heures: 35 }, { 'Idempotency-Key': key }).expect(201);
    const events = await eventCount();
    // What a crash between the append and the stored answer leaves behind.
    await sql.query(`UPDATE commands.idempotency_keys SET status_code = NULL, response = NULL WHERE key = $1`, [key]);
    const retry = await api.post(`/placements/${placementId}/heures`, { mois: '2025-06', heures: 35 }, { 'Idempotency-Key': key }).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(await eventCount()).toBe(events);
    expect((await api.get(`/placements/${placementId}`)).body.declarations).toHaveLength(1);
  });

  it('the same request sent five times at once with one key is written once', async () => {
    const key = randomUUID();
    const body = { siret: '44306184100047', raisonSociale: 'Chantier école', type: 'aci' };
    const events = await eventCount();
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.post('/entreprises', body, { 'Idempotency-Key': key })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(await eventCount()).toBe(events + 2); // SiretReserve + EntrepriseEnregistree
  });

  it('twenty identical declarations at once: one is written, the refused ones leave no event (issue row 3)', async () => {
    const placementId = await placement(api, await salarieEligible(api), await marcheAttribue(api));
    const events = await eventCount();
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.post(`/placements/${placementId}/heures`, { mois: '2025-07', heures: 70 })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    // HeuresDeclarees and its one locator; no locator of a refused request, no cancellation.
    expect(await eventCount()).toBe(events + 2);
    const { rows } = await sql.query(`SELECT type, count(*)::int AS n FROM event_store.events WHERE position > $1 GROUP BY type ORDER BY type`, [events]);
    expect(rows).toEqual([
      { type: 'DeclarationRattachee', n: 1 },
      { type: 'HeuresDeclarees', n: 1 },
    ]);
  });

  it('concurrent registrations of one id with different SIRETs: the SIRETs of the refused ones stay free (issue row 4)', async () => {
    const id = randomUUID();
    const sirets = Array.from({ length: 6 }, (_, i) => siretValide(700_000 + i));
    const answers = await Promise.all(sirets.map((siret) => api.post('/entreprises', { id, siret, raisonSociale: 'Course', type: 'classique' })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.every((a) => a.status === 201 || a.status === 409 || a.status === 422)).toBe(true);
    const kept = (await api.get(`/entreprises/${id}`)).body.siret;
    for (const siret of sirets.filter((s) => s !== kept)) {
      expect((await api.post('/entreprises', { siret, raisonSociale: 'Autre', type: 'classique' })).status).toBe(201);
    }
    expect((await api.post('/entreprises', { siret: kept, raisonSociale: 'Doublon', type: 'classique' })).body.code).toBe('SIRET_DEJA_ENREGISTRE');
  });

  it('identical requests with one client id at once: the refused ones never give back what the written one uses', async () => {
    const marche = await marcheAttribue(api);
    const salarieId = await salarieEligible(api);
    const placementId = randomUUID();
    const body = { id: placementId, salarieId, marcheId: marche.marcheId, entrepriseId: marche.entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-01-02' };
    const placements = await Promise.all(Array.from({ length: 10 }, () => api.post('/placements', body)));
    expect(placements.filter((a) => a.status === 201)).toHaveLength(1);
    expect((await api.get(`/placements/${placementId}`)).status).toBe(200);
    expect((await api.post(`/placements/${placementId}/heures`, { mois: '2025-02', heures: 10 })).status).toBe(201);

    const entrepriseId = randomUUID();
    const siret = siretValide(800_001);
    await Promise.all(Array.from({ length: 10 }, () => api.post('/entreprises', { id: entrepriseId, siret, raisonSociale: 'Même demande', type: 'classique' })));
    expect((await api.get(`/entreprises/${entrepriseId}`)).body.siret).toBe(siret);
    expect((await api.post('/entreprises', { siret, raisonSociale: 'Doublon', type: 'classique' })).body.code).toBe('SIRET_DEJA_ENREGISTRE');
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type IN ('RattachementAnnule', 'SiretLibere') AND stream_id IN ($1, $2)`, [
      `placement-${placementId}`,
      `siret-${siret}`,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('without If-Match, concurrent writes to one marché are all applied by deciding again', async () => {
    const { marcheId } = await marcheAttribue(api);
    const before = (await api.get(`/marches/${marcheId}`)).body.revision;
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) => api.post(`/marches/${marcheId}/avenants`, { heuresPrevues: 1100 + i, motif: `avenant ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const after = (await api.get(`/marches/${marcheId}`)).body;
    expect(after.revision).toBe(before + 4);
    expect(after.avenants).toHaveLength(4);
  });
});

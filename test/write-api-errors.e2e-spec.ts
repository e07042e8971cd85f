import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible, siretValide } from './support/fixtures';

/** Every error status of the write API, each with its stable code and a French message. */
describe('write API errors', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('errors');
  });
  afterAll(async () => {
    await api?.close();
  });

  const expectError = (res: { status: number; body: any }, status: number, code: string) => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body.message).toEqual(expect.any(String));
    expect(res.body.message.length).toBeGreaterThan(10);
  };

  it('400: a malformed body lists each faulty field', async () => {
    const res = await api.post('/marches', { donneurOrdreId: 'pas-un-uuid', secteur: 'agriculture', heuresPrevues: 10.123, dateDebut: '01/02/2025' });
    expectError(res, 400, 'REQUETE_INVALIDE');
    const champs = res.body.details.map((d: { champ: string }) => d.champ);
    expect(champs).toEqual(expect.arrayContaining(['donneurOrdreId', 'secteur', 'heuresPrevues', 'dateDebut', 'numero', 'objet']));
  });

  it('400: an unknown field is refused, not ignored', async () => {
    const res = await api.post('/donneurs-ordre', { nom: 'X', type: 'etat', region: 'BFC', siret: '123' });
    expectError(res, 400, 'REQUETE_INVALIDE');
    expect(res.body.details).toEqual([expect.objectContaining({ champ: 'siret' })]);
  });

  it('400: a path id that is not a uuid', async () => {
    expectError(await api.get('/marches/42'), 400, 'IDENTIFIANT_INVALIDE');
  });

  it('400: an If-Match that is not a revision', async () => {
    const { marcheId } = await marcheAttribue(api);
    expectError(await api.put(`/marches/${marcheId}/suivi-regional`, { suivi: true }, { 'If-Match': 'abc' }), 400, 'IF_MATCH_INVALIDE');
  });

  it('401: a write without a token', async () => {
    expectError(await api.post('/donneurs-ordre', { nom: 'X', type: 'etat', region: 'BFC' }, { Authorization: '' }), 401, 'AUTHENTIFICATION_REQUISE');
  });

  it('404: unknown resources, by GET and by write', async () => {
    for (const path of ['donneurs-ordre', 'operations', 'marches', 'entreprises', 'salaries', 'placements']) {
      const res = await api.get(`/${path}/${randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toMatch(/_INTROUVABLE$/);
    }
    expectError(await api.post(`/marches/${randomUUID()}/cloture`, {}), 404, 'MARCHE_INTROUVABLE');
    expectError(await api.post(`/placements/${randomUUID()}/heures`, { mois: '2025-01', heures: 10 }), 404, 'PLACEMENT_INTROUVABLE');
    expectError(await api.post(`/declarations/${randomUUID()}/corrections`, { heures: 1, motif: 'x' }), 404, 'DECLARATION_INTROUVABLE');
  });

  it('409: a stale If-Match, and nothing is written', async () => {
    const { marcheId } = await marcheAttribue(api);
    const before = (await api.get(`/marches/${marcheId}`)).body;
    const res = await api.post(`/marches/${marcheId}/avenants`, { heuresPrevues: 2000, motif: 'x' }, { 'If-Match': String(before.revision - 1) });
    expectError(res, 409, 'CONFLIT_DE_REVISION');
    expect(res.body.details).toEqual({ revisionAttendue: before.revision - 1, revisionActuelle: before.revision });
    expect((await api.get(`/marches/${marcheId}`)).body.revision).toBe(before.revision);
    await api.post(`/marches/${marcheId}/avenants`, { heuresPrevues: 2000, motif: 'x' }, { 'If-Match': `"${before.revision}"` }).expect(201);
  });

  it('409: a SIRET registered twice', async () => {
    const siret = siretValide(777);
    await api.post('/entreprises', { siret, raisonSociale: 'A', type: 'ei' }).expect(201);
    const res = await api.post('/entreprises', { siret, raisonSociale: 'B', type: 'ei' });
    expectError(res, 409, 'SIRET_DEJA_ENREGISTRE');
  });

  it('409: a second declaration for the same month names the one to correct', async () => {
    const marche = await marcheAttribue(api);
    const placementId = await placement(api, await salarieEligible(api), marche);
    const first = await api.post(`/placements/${placementId}/heures`, { mois: '2025-02', heures: 100 }).expect(201);
    const res = await api.post(`/placements/${placementId}/heures`, { mois: '2025-02', heures: 20 });
    expectError(res, 409, 'DECLARATION_EXISTANTE');
    expect(res.body.details.declarationId).toBe(first.body.id);
  });

  it('422: rule breaches carry the rule’s code', async () => {
    const marche = await marcheAttribue(api);
    const salarieId = await salarieEligible(api, '2025-03-01');
    expectError(
      await api.post('/placements', { salarieId, marcheId: marche.marcheId, entrepriseId: marche.entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-02-01' }),
      422,
      'ELIGIBILITE_NON_VALIDEE',
    );
    const placementId = await placement(api, salarieId, marche, '2025-03-01');
    expectError(await api.post(`/placements/${placementId}/heures`, { mois: '2025-04', heures: 220.01 }), 422, 'HEURES_MAX_MOIS_DEPASSEES');
    await api.post(`/placements/${placementId}/heures`, { mois: '2025-04', heures: 220 }).expect(201);
    expectError(await api.post(`/placements/${placementId}/heures`, { mois: '2026-01', heures: 10 }), 422, 'MOIS_HORS_PERIODE_MARCHE');
    expectError(await api.post('/entreprises', { siret: '73282932000075', raisonSociale: 'X', type: 'ea' }), 422, 'SIRET_INVALIDE');
    expectError(
      await api.post('/operations', { donneurOrdreId: randomUUID(), nom: 'X', commune: 'Dijon' }),
      422,
      'DONNEUR_ORDRE_INCONNU',
    );
  });

  it('422: an Idempotency-Key reused for another body; the same body answers the same again', async () => {
    const key = randomUUID();
    const body = { nom: 'Grand Dijon Habitat', type: 'bailleur_social', region: 'BFC' };
    const first = await api.post('/donneurs-ordre', body, { 'Idempotency-Key': key }).expect(201);
    const again = await api.post('/donneurs-ordre', { region: 'BFC', type: 'bailleur_social', nom: 'Grand Dijon Habitat' }, { 'Idempotency-Key': key }).expect(201);
    expect(again.body).toEqual(first.body);
    expectError(await api.post('/donneurs-ordre', { ...body, nom: 'Autre' }, { 'Idempotency-Key': key }), 422, 'CLE_IDEMPOTENCE_REUTILISEE');
    expect((await api.get(`/donneurs-ordre/${first.body.id}`).expect(200)).body.revision).toBe(0);
  });

  it('a refused request leaves nothing half-written', async () => {
    const siret = siretValide(4242);
    await api.post('/entreprises', { siret, raisonSociale: '   ', type: 'classique' }).expect(400);
    // The SIRET was not reserved by the refused registration.
    await api.post('/entreprises', { siret, raisonSociale: 'Vraie raison sociale', type: 'classique' }).expect(201);
  });
});

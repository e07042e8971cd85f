import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, salarieEligible, siretValide } from './support/fixtures';
import { connectLog, type LogProbe } from './support/http-invariants';

/**
 * Issue 13's rules through HTTP: a reserved marché is awarded only to the structures it is
 * reserved to, and a placement's modalité, employer and contract fit together. Each refusal is a
 * 422 with the rule's code, and nothing is written (the log does not grow).
 */
describe('business rules: reserved marchés, modalité and contract', () => {
  let api: TestApi;
  let probe: LogProbe;
  let siret = 880_000;

  beforeAll(async () => {
    api = await startTestApi('rules');
    probe = await connectLog(api.db.url);
  });
  afterAll(async () => {
    await probe?.close();
    await api?.close();
  });

  const entreprise = async (type: string) =>
    (await api.post('/entreprises', { siret: siretValide(++siret), raisonSociale: `Structure ${type} ${siret}`, type }).expect(201)).body.id as string;

  /** The request answers 422 with this code and a French message, and the log holds no new event. */
  const refuse = async (send: () => Promise<{ status: number; body: any }>, code: string) => {
    const avant = await probe.log();
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code });
    expect(res.body.message).toEqual(expect.any(String));
    expect(await probe.log()).toEqual(avant);
    return res.body;
  };

  describe('marché réservé', () => {
    it('L2113-12: an ordinary company or an SIAE is refused in any role, an EA or ESAT is awarded it', async () => {
      const { marcheId } = await marcheAttribue(api, { baseJuridique: 'L2113-12', typeTitulaire: 'esat' });
      for (const [type, role] of [['classique', 'cotraitant'], ['ei', 'soustraitant'], ['etti', 'cotraitant']] as const) {
        const entrepriseId = await entreprise(type);
        const body = await refuse(() => api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role }), 'MARCHE_RESERVE');
        expect(body.message).toMatch(/EA/);
        expect(body.details).toMatchObject({ baseJuridique: 'L2113-12', type, typesAutorises: ['ea', 'esat'] });
      }
      await api.post(`/marches/${marcheId}/attributions`, { entrepriseId: await entreprise('ea'), role: 'cotraitant' }).expect(201);
      const marche = (await api.get(`/marches/${marcheId}`).expect(200)).body;
      expect(marche.attributaires).toHaveLength(2);
    });

    it.each(['L2113-13', 'marche_insertion'])('%s: only an SIAE, whatever the role', async (baseJuridique) => {
      const { marcheId } = await marcheAttribue(api, { baseJuridique, typeTitulaire: 'aci' });
      for (const type of ['classique', 'geiq', 'esat', 'ea']) {
        const entrepriseId = await entreprise(type);
        const body = await refuse(() => api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'soustraitant' }), 'MARCHE_RESERVE');
        expect(body.details.typesAutorises).toEqual(['ei', 'ai', 'aci', 'etti']);
      }
      await api.post(`/marches/${marcheId}/attributions`, { entrepriseId: await entreprise('etti'), role: 'soustraitant' }).expect(201);
    });

    it('a reserved marché cannot get an ordinary titulaire either; nothing is awarded', async () => {
      const { donneurOrdreId, operationId, entrepriseId } = await marcheAttribue(api);
      const marcheId = (
        await api
          .post('/marches', { donneurOrdreId, operationId, numero: 'R-1', objet: 'Entretien des espaces verts', secteur: 'services', baseJuridique: 'L2113-13', heuresPrevues: 800, dateDebut: '2025-01-01', dateFin: '2025-12-31' })
          .expect(201)
      ).body.id;
      await refuse(() => api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'titulaire' }), 'MARCHE_RESERVE');
      expect((await api.get(`/marches/${marcheId}`).expect(200)).body).toMatchObject({ attributaires: [], statut: 'notifie', revision: 0 });
    });
  });

  describe('modalité et contrat d’un placement', () => {
    let marche: Awaited<ReturnType<typeof marcheAttribue>>;
    let ei: string;
    let etti: string;
    let ai: string;
    let geiq: string;
    let salarieId: string;

    beforeAll(async () => {
      marche = await marcheAttribue(api);
      [ei, etti, ai, geiq] = await Promise.all(['ei', 'etti', 'ai', 'geiq'].map(entreprise));
      await api.post(`/marches/${marche.marcheId}/attributions`, { entrepriseId: ei, role: 'soustraitant' }).expect(201);
      salarieId = await salarieEligible(api);
    });

    const placement = (champs: Record<string, unknown>) =>
      api.post('/placements', {
        salarieId,
        marcheId: marche.marcheId,
        entrepriseId: marche.entrepriseId,
        modalite: 'embauche_directe',
        typeContrat: 'cdi',
        dateDebut: '2025-02-03',
        ...champs,
      });
    const miseADisposition = (entrepriseId: string, typeContrat: string) =>
      placement({ entrepriseId, entrepriseUtilisatriceId: marche.entrepriseId, modalite: 'mise_a_disposition', typeContrat });

    it.each<[string, () => Record<string, unknown>]>([
      ['an interim contract for a direct hire', () => ({ typeContrat: 'interim' })],
      ['a CDDI from an ordinary employer', () => ({ typeContrat: 'cddi' })],
      ['the formation contract outside a training', () => ({ typeContrat: 'formation' })],
      ['a training on another contract', () => ({ modalite: 'formation', typeContrat: 'cdd' })],
      ['a subcontracted SIAE off its insertion contract', () => ({ entrepriseId: ei, modalite: 'sous_traitance_siae', typeContrat: 'cdi' })],
    ])('refuses %s: 422 CONTRAT_INCOMPATIBLE_MODALITE', async (_cas, champs) => {
      const body = await refuse(() => placement(champs()), 'CONTRAT_INCOMPATIBLE_MODALITE');
      expect(body.details).toMatchObject({ typeContrat: champs().typeContrat, contratsAutorises: expect.any(Array) });
    });

    it('a provider puts people at the disposal of the attributaire with its own contract only', async () => {
      for (const [employeur, refuseContrat] of [[etti, 'cdd'], [ai, 'interim'], [geiq, 'cdi']]) {
        await refuse(() => miseADisposition(employeur, refuseContrat), 'CONTRAT_INCOMPATIBLE_MODALITE');
      }
      await refuse(() => miseADisposition(ei, 'cddi'), 'MISE_A_DISPOSITION_NON_AUTORISEE');
      await miseADisposition(etti, 'interim').expect(201);
      await miseADisposition(ai, 'cddi').expect(201);
      await miseADisposition(geiq, 'apprentissage').expect(201);
    });

    it('the fitting combinations are accepted', async () => {
      const autre = await salarieEligible(api);
      await api
        .post('/placements', { salarieId: autre, marcheId: marche.marcheId, entrepriseId: ei, modalite: 'sous_traitance_siae', typeContrat: 'cddi', dateDebut: '2025-02-03' })
        .expect(201);
      await api
        .post('/placements', { salarieId: autre, marcheId: marche.marcheId, entrepriseId: marche.entrepriseId, modalite: 'formation', typeContrat: 'formation', dateDebut: '2025-02-03' })
        .expect(201);
    });
  });
});

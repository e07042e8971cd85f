import { utilisateurIdDe } from '@suivi/access';
import { FACILITATRICE, startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';

const attendre = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The auditor's reads of the log: streams, the journal, and a state as it was known at an instant. */
describe('audit : flux, journal et état à une date', () => {
  let api: TestApi;
  let auditeur: Record<string, string>;
  let salarieId: string;
  let declarationId: string;
  let avantCorrection: string;
  let position: number;

  beforeAll(async () => {
    api = await startTestApi('audit_journal');
    auditeur = api.auth(await api.jetonPour('auditeur'));
    const marche = await marcheAttribue(api);
    salarieId = await salarieEligible(api);
    const placementId = await placement(api, salarieId, marche);
    declarationId = (await api.post(`/placements/${placementId}/heures`, { mois: '2025-01', heures: 100 }).expect(201)).body.id;
    // recordedAt has millisecond precision: leave a clear gap around the instant asked for.
    await attendre(20);
    avantCorrection = new Date().toISOString();
    await attendre(20);
    position = (await api.post(`/declarations/${declarationId}/corrections`, { heures: 80, motif: 'Relevé corrigé par l’employeur' }).expect(201)).body.position;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('remonte le temps : avant la correction, la déclaration valait 100 h ; après, 80 h', async () => {
    const avant = await api.get(`/audit/etat/salarie/${salarieId}?date=${encodeURIComponent(avantCorrection)}`, auditeur).expect(200);
    const declaration = (body: any) => (Object.values(body.etat.placements as Record<string, any>)[0].declarations as any[]).find((d) => d.declarationId === declarationId);
    expect(declaration(avant.body)).toMatchObject({ heures: 100, corrections: [] });
    const apres = await api.get(`/audit/etat/salarie/${salarieId}?date=2100-01-01`, auditeur).expect(200);
    expect(apres.body.evenements).toBe(avant.body.evenements + 1);
    expect(apres.body.position).toBe(position);
    expect(declaration(apres.body)).toMatchObject({ heures: 80, heuresDeclarees: 100, corrections: [{ heures: 80, heuresPrecedentes: 100 }] });
  });

  it('connuLe : les indicateurs tels qu’ils étaient connus avant la correction (100 h), puis maintenant (80 h)', async () => {
    const connus = async (instant: string) => {
      for (;;) {
        const res = await api.get(`/indicateurs?annee=2025&connuLe=${encodeURIComponent(instant)}`, auditeur);
        if (res.status === 202) {
          expect(res.body).toMatchObject({ code: 'CALCUL_EN_COURS', details: { progression: { cible: expect.any(Number) } } });
          expect(res.headers['retry-after']).toBe('5');
          await attendre(100);
          continue;
        }
        expect(res.status).toBe(200);
        return res.body;
      }
    };
    const avant = await connus(avantCorrection);
    expect(avant.heuresRealisees).toBe(100);
    expect(avant.connuLe).toEqual({ instant: avantCorrection, position: position - 1 });
    expect(avant.fraicheur).toEqual({ position: position - 1, retard: expect.any(Number) });
    const maintenant = await connus('2100-01-01');
    expect(maintenant.heuresRealisees).toBe(80);
    const live = await api.get(`/indicateurs?annee=2025&apres=${position}`, auditeur).expect(200);
    const { fraicheur: _a, connuLe: _c, ...connu } = maintenant;
    const { fraicheur: _b, ...enDirect } = live.body;
    expect(connu).toEqual(enDirect);
    // Asked again, the copy is kept: same answer.
    expect((await connus(avantCorrection)).heuresRealisees).toBe(100);
    // Before anything was recorded: empty figures.
    expect((await connus('2000-01-01')).heuresRealisees).toBe(0);
    expect((await api.get('/indicateurs?connuLe=hier', auditeur).expect(400)).body.code).toBe('REQUETE_INVALIDE');
  });

  it('avant sa création, un agrégat n’existait pas encore ; un type ou une date invalides sont refusés', async () => {
    const avant = await api.get(`/audit/etat/salarie/${salarieId}?date=2000-01-01`, auditeur).expect(200);
    expect(avant.body).toMatchObject({ revision: null, evenements: 0, position: null, etat: { existe: false } });
    expect((await api.get(`/audit/etat/fusee/${salarieId}?date=2025-01-01`, auditeur).expect(400)).body.code).toBe('TYPE_AGREGAT_INVALIDE');
    expect((await api.get(`/audit/etat/salarie/${salarieId}?date=hier`, auditeur).expect(400)).body.code).toBe('REQUETE_INVALIDE');
    expect((await api.get(`/audit/etat/salarie/${salarieId}`, auditeur).expect(400)).body.code).toBe('REQUETE_INVALIDE');
    expect((await api.get('/audit/etat/salarie/6b0c8a52-2b7e-4c1e-9d51-0d6f1b1f5a11?date=2025-01-01', auditeur).expect(404)).body.code).toBe('FLUX_INTROUVABLE');
  });

  it('sert un flux paginé avec ses métadonnées (qui, quand, corrélation), identité masquée pour l’auditeur', async () => {
    const premiere = await api.get(`/audit/flux/salarie-${salarieId}?taillePage=2`, auditeur).expect(200);
    expect(premiere.body).toMatchObject({ streamId: `salarie-${salarieId}`, page: 1, taillePage: 2 });
    expect(premiere.body.total).toBeGreaterThanOrEqual(5);
    expect(premiere.body.items).toHaveLength(2);
    const [enregistre] = premiere.body.items;
    expect(enregistre).toMatchObject({
      type: 'SalarieEnregistre',
      revision: 0,
      data: { salarieId, nom: null, prenom: null, dateNaissance: null, adresse: null, sexe: 'M', trancheAge: '26_49' },
      metadata: { userId: FACILITATRICE, schemaVersion: 2, correlationId: expect.any(String), recordedAt: expect.any(String), occurredAt: expect.any(String) },
    });
    expect(JSON.stringify(premiere.body)).not.toMatch(/chiffre|Durand/);
    const toutes = await api.get(`/audit/flux/salarie-${salarieId}?taillePage=500`, auditeur).expect(200);
    expect(toutes.body.items.map((e: { revision: number }) => e.revision)).toEqual([...Array(toutes.body.total).keys()]);
    expect(toutes.body.items.at(-1)).toMatchObject({ type: 'HeuresCorrigees', position });
    expect((await api.get(`/audit/flux/salarie-${salarieId}?page=99`, auditeur).expect(200)).body.items).toEqual([]);
    expect((await api.get('/audit/flux/pas un flux', auditeur).expect(400)).body.code).toBe('FLUX_INVALIDE');
    expect((await api.get('/audit/flux/marche-inconnu', auditeur).expect(404)).body.code).toBe('FLUX_INTROUVABLE');
  });

  it('filtre le journal global par auteur et par période', async () => {
    const admin = api.auth(await api.jetonPour('admin'));
    const cree = await api.post('/utilisateurs', { identifiant: 'audit.cible', role: 'auditeur', motDePasse: 'une phrase de passe solide' }, admin).expect(201);
    const parAdmin = await api.get(`/audit/journal?utilisateur=${utilisateurIdDe('admin-1')}&apres=${cree.body.position}`, auditeur).expect(200);
    expect(parAdmin.body.items.map((e: { type: string }) => e.type)).toEqual(['UtilisateurCree']);
    expect(JSON.stringify(parAdmin.body)).not.toContain('scrypt');
    const parFacilitatrice = await api.get(`/audit/journal?utilisateur=${FACILITATRICE}&taillePage=500`, auditeur).expect(200);
    expect(parFacilitatrice.body.total).toBeGreaterThan(5);
    expect(parFacilitatrice.body.items.every((e: { metadata: { userId: string } }) => e.metadata.userId === FACILITATRICE)).toBe(true);
    const positions = parFacilitatrice.body.items.map((e: { position: number }) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    expect((await api.get('/audit/journal?au=2000-01-01', auditeur).expect(200)).body.total).toBe(0);
    const depuisAvant = await api.get(`/audit/journal?du=${encodeURIComponent(avantCorrection)}&utilisateur=${FACILITATRICE}`, auditeur).expect(200);
    expect(depuisAvant.body.items.map((e: { type: string }) => e.type)).toEqual(['HeuresCorrigees']);
    expect((await api.get('/audit/journal?du=2025-02-01&au=2025-01-01', auditeur).expect(400)).body.code).toBe('PERIODE_INVALIDE');
  });

  it('ne livre jamais l’empreinte d’un mot de passe, même à un auditeur', async () => {
    const etat = await api.get(`/audit/etat/utilisateur/${FACILITATRICE}?date=2100-01-01`, auditeur).expect(200);
    expect(etat.body.etat).toMatchObject({ existe: true, identifiant: 'facilitatrice-1', role: 'facilitatrice', actif: true });
    expect(etat.body.etat).not.toHaveProperty('empreinteMotDePasse');
    const flux = await api.get(`/audit/flux/utilisateur-${FACILITATRICE}`, auditeur).expect(200);
    expect(JSON.stringify(flux.body)).not.toContain('scrypt');
  });

  it('réserve l’audit aux auditeurs et administrateurs', async () => {
    expect((await api.get(`/audit/flux/salarie-${salarieId}`).expect(403)).body.code).toBe('ACCES_REFUSE');
  });
});

import { startTestApi, type TestApi } from './support/api-app';

/**
 * Issue 16, "Find" for organisations: GET /entreprises, /donneurs-ordre and /operations, searched with
 * accents and case forgiven (SIRET/SIREN by prefix, blanks allowed), filtered, sorted, paged, fresh
 * (`fraicheur`, `?apres=`), and scoped: an acheteur's lists hold only their own donneur d'ordre's rows.
 */
describe('recherche des entreprises, donneurs d’ordre et opérations', () => {
  let api: TestApi;
  let apres = 0;
  const ids: Record<string, string> = {};
  let acheteurA: Record<string, string>;
  let coordination: Record<string, string>;
  let auditeur: Record<string, string>;

  async function ecrire(res: Promise<{ status: number; body: any }>): Promise<string> {
    const { status, body } = await res;
    if (status !== 201) throw new Error(`write answered ${status}: ${JSON.stringify(body)}`);
    apres = Math.max(apres, body.position);
    return body.id;
  }

  // Real SIRETs (Luhn-valid): 732 829 320 00074 and 552 100 554 00013, plus test ones.
  const ENTREPRISES = [
    ['bourgogne', '73282932000074', 'Bâtiments de Bourgogne SAS', 'classique'],
    ['oeuvre', '55210055400013', 'ŒUVRE D’INSERTION ÉCOLOGIQUE', 'aci'],
    ['elan', '44306184100047', 'Élan Intérim Insertion', 'etti'],
    ['zeta', '38012986648393', 'zeta bâtiment', 'ei'],
  ] as const;

  beforeAll(async () => {
    api = await startTestApi('recherche_organisations');
    for (const [cle, siret, raisonSociale, type] of ENTREPRISES) {
      ids[cle] = await ecrire(api.post('/entreprises', { siret: siret.replace(/(\d{3})(\d{3})(\d{3})(\d{5})/, '$1 $2 $3 $4'), raisonSociale, type }));
    }
    ids.A = await ecrire(api.post('/donneurs-ordre', { nom: 'Dijon Métropole', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }));
    ids.B = await ecrire(api.post('/donneurs-ordre', { nom: 'Office Public de l’Habitat de Côte-d’Or', type: 'bailleur_social', region: 'Bourgogne-Franche-Comté' }));
    ids.C = await ecrire(api.post('/donneurs-ordre', { nom: 'État — Préfecture', type: 'etat', region: 'Île-de-France' }));
    // Opérations of A and B named alike, so a filter applied after the scope (or none) would show.
    ids.A1 = await ecrire(api.post('/operations', { donneurOrdreId: ids.A, nom: 'Collège Rameau', commune: 'Dijon' }));
    ids.A2 = await ecrire(api.post('/operations', { donneurOrdreId: ids.A, nom: 'Écoquartier Heudelet', commune: 'Dijon' }));
    ids.B1 = await ecrire(api.post('/operations', { donneurOrdreId: ids.B, nom: 'Collège des Lentillères', commune: 'Dijon' }));
    ids.B2 = await ecrire(api.post('/operations', { donneurOrdreId: ids.B, nom: 'Résidence Écoquartier', commune: 'Beaune' }));
    for (const [i, [d, o]] of ([['A', 'A1'], ['A', 'A1'], ['B', 'B2']] as const).entries()) {
      await ecrire(
        api.post('/marches', {
          donneurOrdreId: ids[d],
          operationId: ids[o],
          numero: `M-${i}`,
          objet: 'Réhabilitation',
          secteur: 'btp',
          sousSecteur: 'batiment',
          baseJuridique: 'L2112-2',
          heuresPrevues: 1000,
          dateDebut: '2025-01-01',
          dateFin: '2025-12-31',
        }),
      );
    }
    acheteurA = api.auth(await api.jetonPour('acheteur', { identifiant: 'acheteur-a', donneurOrdreId: ids.A }));
    coordination = api.auth(await api.jetonPour('coordination'));
    auditeur = api.auth(await api.jetonPour('auditeur'));
  });

  afterAll(() => api?.close());

  const lire = async (chemin: string, entetes: Record<string, string> = {}) => {
    const sep = chemin.includes('?') ? '&' : '?';
    const res = await api.get(`${chemin}${sep}apres=${apres}`, entetes);
    expect(res.status).toBe(200);
    return res.body;
  };
  const noms = (body: any, champ = 'raisonSociale') => body.items.map((i: any) => i[champ]);

  describe('GET /entreprises', () => {
    it('answers the list shape, each item with siret, siren, raison sociale and type, and fraicheur', async () => {
      const body = await lire('/entreprises');
      expect(body).toMatchObject({ total: 4, page: 1, taillePage: 50 });
      expect(body.fraicheur).toEqual({ position: expect.any(Number), retard: expect.any(Number) });
      expect(body.fraicheur.position).toBeGreaterThanOrEqual(apres);
      expect(body.items[0]).toEqual({ id: ids.bourgogne, siret: '73282932000074', siren: '732829320', raisonSociale: 'Bâtiments de Bourgogne SAS', type: 'classique' });
    });

    it.each([
      ['batiments', ['Bâtiments de Bourgogne SAS']],
      ['BATIMENT', ['Bâtiments de Bourgogne SAS', 'zeta bâtiment']],
      ['  bourgogne   bâtiments ', ['Bâtiments de Bourgogne SAS']],
      ['oeuvre ecologique', ['ŒUVRE D’INSERTION ÉCOLOGIQUE']],
      ['élan', ['Élan Intérim Insertion']],
      ['INTERIM', ['Élan Intérim Insertion']],
      ['insertion', ['Élan Intérim Insertion', 'ŒUVRE D’INSERTION ÉCOLOGIQUE']],
      ['batiments lyon', []],
      ['%', []],
      ['_', []],
      ["'; DROP TABLE indicateurs.entreprises; --", []],
      ['🚧', []],
    ])('q=%s forgives accents and case, every word must appear', async (q, attendus) => {
      expect(noms(await lire(`/entreprises?q=${encodeURIComponent(q)}`))).toEqual(attendus);
    });

    it.each([
      ['732 829 320', 'bourgogne'],
      ['732829320', 'bourgogne'],
      ['732.829.320.00074', 'bourgogne'],
      ['73282932000074', 'bourgogne'],
      ['7328', 'bourgogne'],
      ['552 100 554 00013', 'oeuvre'],
    ])('q=%s finds a SIRET by its prefix (SIREN, blanks and dots allowed)', async (q, cle) => {
      const body = await lire(`/entreprises?q=${encodeURIComponent(q)}`);
      expect(body.items.map((i: any) => i.id)).toEqual([ids[cle]]);
      expect(body.total).toBe(1);
    });

    it('a digit that starts no SIRET and no name finds nothing; a SIRET prefix is not found in the middle', async () => {
      expect((await lire('/entreprises?q=999')).total).toBe(0);
      expect((await lire('/entreprises?q=829320')).total).toBe(0);
    });

    it('filters by type, sorts by raison sociale (accents ignored) or SIRET, both ways, and pages with the full total', async () => {
      expect(noms(await lire('/entreprises?type=aci'))).toEqual(['ŒUVRE D’INSERTION ÉCOLOGIQUE']);
      expect(noms(await lire('/entreprises'))).toEqual(['Bâtiments de Bourgogne SAS', 'Élan Intérim Insertion', 'ŒUVRE D’INSERTION ÉCOLOGIQUE', 'zeta bâtiment']);
      expect(noms(await lire('/entreprises?ordre=desc'))).toEqual(['zeta bâtiment', 'ŒUVRE D’INSERTION ÉCOLOGIQUE', 'Élan Intérim Insertion', 'Bâtiments de Bourgogne SAS']);
      expect(noms(await lire('/entreprises?tri=siret'), 'siret')).toEqual(['38012986648393', '44306184100047', '55210055400013', '73282932000074']);
      expect(noms(await lire('/entreprises?tri=siret&ordre=desc'), 'siret')).toEqual(['73282932000074', '55210055400013', '44306184100047', '38012986648393']);
      const page2 = await lire('/entreprises?taillePage=3&page=2');
      expect(page2).toMatchObject({ total: 4, page: 2, taillePage: 3 });
      expect(noms(page2)).toEqual(['zeta bâtiment']);
      const loin = await lire('/entreprises?taillePage=3&page=9');
      expect(loin).toMatchObject({ items: [], total: 4 });
      expect((await lire('/entreprises?q=insertion&taillePage=1')).total).toBe(2);
    });

    it('a blank q is no search; q beyond 200 characters, control characters and unknown values are 400', async () => {
      expect((await lire('/entreprises?q=%20%20')).total).toBe(4);
      expect((await lire(`/entreprises?q=${'é'.repeat(200)}`)).total).toBe(0);
      for (const query of [`q=${'a'.repeat(201)}`, 'q=a%00b', 'q=a&q=b', 'type=inconnu', 'tri=nom', 'ordre=haut', 'inconnu=1', 'page=0', 'taillePage=501']) {
        const res = await api.get(`/entreprises?${query}`);
        expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'REQUETE_INVALIDE' });
      }
    });

    it('?apres= reads a registration just made', async () => {
      const ecrit = await api.post('/entreprises', { siret: '35600000000048', raisonSociale: 'La Poste Insertion', type: 'classique' });
      expect(ecrit.status).toBe(201);
      apres = ecrit.body.position;
      const body = await lire('/entreprises?q=poste');
      expect(body.items.map((i: any) => i.id)).toEqual([ecrit.body.id]);
      expect(body.fraicheur.position).toBeGreaterThanOrEqual(ecrit.body.position);
      const loin = await api.get(`/entreprises?apres=${ecrit.body.position + 1000}`);
      expect(loin.status).toBe(400);
      expect(loin.body.code).toBe('POSITION_INCONNUE');
    });

    it('is the facilitation team’s and the auditor’s: acheteur and coordination get 403', async () => {
      expect((await api.get('/entreprises', auditeur)).status).toBe(200);
      for (const entetes of [acheteurA, coordination]) {
        const res = await api.get('/entreprises', entetes);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('ACCES_REFUSE');
      }
    });
  });

  describe('GET /donneurs-ordre', () => {
    it('lists them with their counts of opérations and marchés, sorted by name without accents, searched and filtered', async () => {
      const body = await lire('/donneurs-ordre');
      expect(body).toMatchObject({ total: 3, page: 1, taillePage: 50, fraicheur: { position: expect.any(Number) } });
      expect(body.items).toEqual([
        { id: ids.A, nom: 'Dijon Métropole', type: 'collectivite', region: 'Bourgogne-Franche-Comté', operations: 2, marches: 2 },
        { id: ids.C, nom: 'État — Préfecture', type: 'etat', region: 'Île-de-France', operations: 0, marches: 0 },
        { id: ids.B, nom: 'Office Public de l’Habitat de Côte-d’Or', type: 'bailleur_social', region: 'Bourgogne-Franche-Comté', operations: 2, marches: 1 },
      ]);
      expect(noms(await lire('/donneurs-ordre?tri=nom&ordre=desc'), 'nom')).toEqual(['Office Public de l’Habitat de Côte-d’Or', 'État — Préfecture', 'Dijon Métropole']);
      expect(noms(await lire('/donneurs-ordre?q=etat'), 'nom')).toEqual(['État — Préfecture']);
      expect(noms(await lire('/donneurs-ordre?q=COTE%20habitat'), 'nom')).toEqual(['Office Public de l’Habitat de Côte-d’Or']);
      expect(noms(await lire('/donneurs-ordre?q=metropole'), 'nom')).toEqual(['Dijon Métropole']);
      expect(noms(await lire('/donneurs-ordre?type=bailleur_social'), 'nom')).toEqual(['Office Public de l’Habitat de Côte-d’Or']);
      const page2 = await lire('/donneurs-ordre?taillePage=2&page=2');
      expect(page2).toMatchObject({ total: 3, page: 2, taillePage: 2 });
      expect(noms(page2, 'nom')).toEqual(['Office Public de l’Habitat de Côte-d’Or']);
    });

    it('an acheteur’s list holds their own donneur d’ordre only, whatever the search, filter, sort or page', async () => {
      const body = await lire('/donneurs-ordre', acheteurA);
      expect(body).toMatchObject({ total: 1, items: [{ id: ids.A, operations: 2, marches: 2 }] });
      expect(body.fraicheur).toEqual({ position: expect.any(Number), retard: expect.any(Number) });
      for (const query of ['q=office', 'q=etat', 'type=etat', 'type=bailleur_social']) {
        expect({ query, ...(await lire(`/donneurs-ordre?${query}`, acheteurA)) }).toMatchObject({ query, items: [], total: 0 });
      }
      expect(await lire('/donneurs-ordre?ordre=desc&taillePage=1', acheteurA)).toMatchObject({ items: [{ id: ids.A }], total: 1 });
      expect(await lire('/donneurs-ordre?page=2&taillePage=1', acheteurA)).toMatchObject({ items: [], total: 1 });
      expect((await lire('/donneurs-ordre?q=dijon&type=collectivite&ordre=desc', acheteurA)).items.map((i: any) => i.id)).toEqual([ids.A]);
    });

    it('coordination gets 403', async () => {
      const res = await api.get('/donneurs-ordre', coordination);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ACCES_REFUSE');
    });
  });

  describe('GET /operations', () => {
    it('lists them by name with their count of marchés, filtered by donneur d’ordre and searched in name and commune', async () => {
      const body = await lire('/operations');
      expect(body).toMatchObject({ total: 4, page: 1, taillePage: 50, fraicheur: { position: expect.any(Number) } });
      expect(body.items).toEqual([
        { id: ids.B1, donneurOrdreId: ids.B, nom: 'Collège des Lentillères', commune: 'Dijon', marches: 0 },
        { id: ids.A1, donneurOrdreId: ids.A, nom: 'Collège Rameau', commune: 'Dijon', marches: 2 },
        { id: ids.A2, donneurOrdreId: ids.A, nom: 'Écoquartier Heudelet', commune: 'Dijon', marches: 0 },
        { id: ids.B2, donneurOrdreId: ids.B, nom: 'Résidence Écoquartier', commune: 'Beaune', marches: 1 },
      ]);
      expect(noms(await lire(`/operations?donneurOrdreId=${ids.B.toUpperCase()}`), 'nom')).toEqual(['Collège des Lentillères', 'Résidence Écoquartier']);
      expect(noms(await lire('/operations?q=ECOQUARTIER'), 'nom')).toEqual(['Écoquartier Heudelet', 'Résidence Écoquartier']);
      expect(noms(await lire('/operations?q=college%20dijon'), 'nom')).toEqual(['Collège des Lentillères', 'Collège Rameau']);
      expect(noms(await lire('/operations?q=beaune'), 'nom')).toEqual(['Résidence Écoquartier']);
      expect(noms(await lire(`/operations?q=college&donneurOrdreId=${ids.A}`), 'nom')).toEqual(['Collège Rameau']);
      expect((await lire(`/operations?donneurOrdreId=${ids.C}`)).total).toBe(0);
      const page2 = await lire('/operations?taillePage=3&page=2');
      expect(page2).toMatchObject({ total: 4, page: 2, taillePage: 3 });
      expect(noms(page2, 'nom')).toEqual(['Résidence Écoquartier']);
      for (const query of ['donneurOrdreId=pas-un-uuid', 'tri=nom', `q=${'x'.repeat(201)}`]) {
        expect({ query, status: (await api.get(`/operations?${query}`)).status }).toEqual({ query, status: 400 });
      }
    });

    it('an acheteur sees only their donneur d’ordre’s opérations; another’s id gives an empty list, as an unknown one', async () => {
      const body = await lire('/operations', acheteurA);
      expect(body.items.map((i: any) => i.id)).toEqual([ids.A1, ids.A2]);
      expect(body.total).toBe(2);
      expect(body.fraicheur).toEqual({ position: expect.any(Number), retard: expect.any(Number) });
      const autre = await lire(`/operations?donneurOrdreId=${ids.B}`, acheteurA);
      const inconnu = await lire('/operations?donneurOrdreId=00000000-0000-4000-8000-000000000001', acheteurA);
      expect({ ...autre, fraicheur: null }).toEqual({ items: [], total: 0, page: 1, taillePage: 50, fraicheur: null });
      expect({ ...inconnu, fraicheur: null }).toEqual({ ...autre, fraicheur: null });
      for (const query of ['q=lentilleres', 'q=beaune', 'q=college', 'q=ecoquartier', `q=college&donneurOrdreId=${ids.B}`, 'page=2&taillePage=1']) {
        const res = await lire(`/operations?${query}`, acheteurA);
        expect({ query, ids: res.items.map((i: any) => i.id), total: res.total }).toEqual({
          query,
          ids: { 'q=college': [ids.A1], 'q=ecoquartier': [ids.A2], 'page=2&taillePage=1': [ids.A2] }[query] ?? [],
          total: { 'q=college': 1, 'q=ecoquartier': 1, 'page=2&taillePage=1': 2 }[query] ?? 0,
        });
      }
      expect((await lire(`/operations?donneurOrdreId=${ids.A}`, acheteurA)).total).toBe(2);
    });

    it('coordination gets 403', async () => {
      const res = await api.get('/operations', coordination);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ACCES_REFUSE');
    });
  });

  describe('GET /marches?q=', () => {
    it('cherche dans le numéro et l’objet sans accents ni casse, chaque mot devant y figurer, dans la portée de l’appelant', async () => {
      const numeros = async (query: string, entetes: Record<string, string> = {}) => (await lire(`/marches?${query}`, entetes)).items.map((m: any) => m.numero);
      expect(await numeros('q=m-1')).toEqual(['M-1']);
      expect(await numeros('q=REHABILITATION')).toEqual(['M-0', 'M-1', 'M-2']);
      expect(await numeros(`q=${encodeURIComponent('réhabilitation m-2')}`)).toEqual(['M-2']);
      expect(await numeros('q=voirie')).toEqual([]);
      // Wildcards are text: % finds no marché (none has one in its number or object).
      expect(await numeros(`q=${encodeURIComponent('%')}`)).toEqual([]);
      // An acheteur's search stays within their donneur d'ordre.
      expect(await numeros('q=rehabilitation', acheteurA)).toEqual(['M-0', 'M-1']);
      expect(await numeros('q=m-2', acheteurA)).toEqual([]);
      expect((await api.get(`/marches?q=${'a'.repeat(201)}`)).status).toBe(400);
    });
  });
});

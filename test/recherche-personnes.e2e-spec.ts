import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement } from './support/fixtures';
import { startApp } from './support/processes';

/**
 * "Find", people side: the salariés searched by name in the annuaire (decrypted names, emptied by
 * an erasure, never refilled by a rebuild), the placements filtered, and a month's missing
 * declarations; identities only for those who see them.
 */
describe('recherche des personnes, placements et déclarations manquantes', () => {
  // The api and the CLI share this master key: the CLI's rebuild decrypts with it.
  const PERSONAL_DATA_KEY = randomBytes(32).toString('base64');
  let api: TestApi;
  let sql: Client;
  let position = 0;
  let marche1: Awaited<ReturnType<typeof marcheAttribue>>;
  let marche2: Awaited<ReturnType<typeof marcheAttribue>>;
  const ids: Record<string, string> = {};
  const placements: Record<string, string> = {};

  const ecrire = async (req: PromiseLike<{ status: number; body: any }>) => {
    const res = await req;
    if (res.status !== 201) throw new Error(`write answered ${res.status}: ${JSON.stringify(res.body)}`);
    position = Math.max(position, res.body.position);
    return res.body.id as string;
  };

  const personne = async (cle: string, nom: string, prenom: string, commune = 'Dijon') => {
    ids[cle] = await ecrire(api.post('/salaries', { nom, prenom, sexe: 'F', dateNaissance: '1990-05-05', commune, quartierQpv: null, niveauFormation: '4' }));
    await ecrire(api.post(`/salaries/${ids[cle]}/eligibilites`, { criteres: ['brsa'], dateValidation: '2024-12-01' }));
  };

  const chercher = (query: string, headers: Record<string, string> = {}) => api.get(`/salaries?apres=${position}&${query}`, headers);

  beforeAll(async () => {
    api = await startTestApi('recherche', { PERSONAL_DATA_KEY });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    marche1 = await marcheAttribue(api);
    marche2 = await marcheAttribue(api);
    await personne('zebulon', 'Lefèvre', 'Zébulon', 'Chenôve');
    await personne('camille', 'Martin', 'Camille', 'Dijon');
    await personne('oeuvre', 'Dupont-Œuvre', 'Élodie', 'Talant');
    for (let i = 1; i <= 5; i++) await personne(`durand${i}`, 'Durand', `Alex ${i}`, 'Quetigny');
    // Zébulon: running on marché 1 since January, March declared.
    placements.zebulon = await placement(api, ids.zebulon, marche1, '2025-01-02');
    await ecrire(api.post(`/placements/${placements.zebulon}/heures`, { mois: '2025-03', heures: 100 }));
    await ecrire(api.post(`/placements/${placements.zebulon}/heures`, { mois: '2025-04', heures: 20.5 }));
    // Camille: running on marché 1 since February, March not declared.
    placements.camille = await placement(api, ids.camille, marche1, '2025-02-01');
    // Durand 1: on marché 2, ended in February (before March).
    placements.durand1 = await placement(api, ids.durand1, marche2, '2025-01-02');
    await ecrire(api.post(`/placements/${placements.durand1}/fin`, { dateFin: '2025-02-15', sortie: 'cdi' }));
    // Durand 2: on marché 2, started in April (after March).
    placements.durand2 = await placement(api, ids.durand2, marche2, '2025-04-01');
    // Durand 3: on marché 2, ended on the first day of March: it was running in March.
    placements.durand3 = await placement(api, ids.durand3, marche2, '2025-01-02');
    await ecrire(api.post(`/placements/${placements.durand3}/fin`, { dateFin: '2025-03-01', sortie: 'cdd_6_mois_et_plus' }));
    for (const p of Object.values(placements)) position = Math.max(position, 0, (await api.get(`/placements/${p}`).expect(200)).body.fraicheur.position);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  it('trouve une personne sans tenir compte des accents ni de la casse, dans un ordre ou l’autre', async () => {
    for (const q of ['zebulon', 'ZÉBULON', 'Zebulon lefevre', 'lefèvre zébulon', 'LEFEVRE', 'fèv', 'lef zeb', '  Zébulon   LEFÈVRE ']) {
      const res = await chercher(`q=${encodeURIComponent(q)}`).expect(200);
      expect({ q, ids: res.body.items.map((i: any) => i.id) }).toEqual({ q, ids: [ids.zebulon] });
    }
    const zebulon = (await chercher('q=zebulon').expect(200)).body;
    expect(zebulon).toMatchObject({ total: 1, page: 1, taillePage: 50, identiteVisible: true });
    expect(zebulon.fraicheur.position).toBeGreaterThanOrEqual(position);
    expect(zebulon.items[0]).toEqual({
      id: ids.zebulon,
      nom: 'Lefèvre',
      prenom: 'Zébulon',
      sexe: 'F',
      trancheAge: '26_49',
      commune: 'Chenôve',
      efface: false,
      placementsEnCours: [{ id: placements.zebulon, marcheId: marche1.marcheId, entrepriseId: marche1.entrepriseId, dateDebut: '2025-01-02' }],
    });
    // Ligatures and hyphens are forgiven too; a name that nobody bears finds nobody.
    expect((await chercher(`q=${encodeURIComponent('dupont oeuvre')}`).expect(200)).body.items.map((i: any) => i.id)).toEqual([ids.oeuvre]);
    expect((await chercher(`q=${encodeURIComponent('elodie')}`).expect(200)).body.items.map((i: any) => i.id)).toEqual([ids.oeuvre]);
    expect((await chercher('q=personne').expect(200)).body).toMatchObject({ items: [], total: 0 });
    // Only signs, an emoji, LIKE wildcards or SQL: nothing searchable, nobody found (never everybody).
    for (const q of ['%', '_', '😀', "' OR 1=1 --", '%%%']) {
      expect({ q, body: (await chercher(`q=${encodeURIComponent(q)}`).expect(200)).body }).toMatchObject({ q, body: { items: [], total: 0 } });
    }
    // Every word must match: a first name with another's name finds nobody.
    expect((await chercher(`q=${encodeURIComponent('camille lefevre')}`).expect(200)).body).toMatchObject({ items: [], total: 0 });
    // A blank text is no search.
    expect((await chercher('q=%20%20').expect(200)).body.total).toBe(8);
    // Ended placements are not "en cours".
    const durand1 = (await chercher('q=alex%201').expect(200)).body.items;
    expect(durand1.map((i: any) => [i.id, i.placementsEnCours])).toEqual([[ids.durand1, []]]);
  });

  it('pagine et trie : total de tout le filtre, pages disjointes', async () => {
    const page1 = (await chercher('q=durand&taillePage=2&page=1').expect(200)).body;
    const page2 = (await chercher('q=durand&taillePage=2&page=2').expect(200)).body;
    const page3 = (await chercher('q=durand&taillePage=2&page=3').expect(200)).body;
    const page9 = (await chercher('q=durand&taillePage=2&page=9').expect(200)).body;
    expect([page1.total, page2.total, page3.total, page9.total]).toEqual([5, 5, 5, 5]);
    expect(page9.items).toEqual([]);
    expect([...page1.items, ...page2.items, ...page3.items].map((i: any) => i.prenom)).toEqual(['Alex 1', 'Alex 2', 'Alex 3', 'Alex 4', 'Alex 5']);
    const desc = (await chercher('q=durand&ordre=desc&taillePage=2').expect(200)).body;
    expect(desc.items.map((i: any) => i.prenom)).toEqual(['Alex 5', 'Alex 4']);
    const tous = (await chercher('taillePage=500').expect(200)).body;
    expect(tous.total).toBe(8);
    // By name: Dupont-Œuvre, Durand ×5, Lefèvre, Martin (accents do not move a name to the end).
    expect(tous.items.map((i: any) => i.nom)).toEqual(['Dupont-Œuvre', 'Durand', 'Durand', 'Durand', 'Durand', 'Durand', 'Lefèvre', 'Martin']);
    const parCommune = (await chercher('tri=commune&taillePage=500').expect(200)).body;
    expect(parCommune.items.map((i: any) => i.commune)).toEqual(['Chenôve', 'Dijon', 'Quetigny', 'Quetigny', 'Quetigny', 'Quetigny', 'Quetigny', 'Talant']);
    for (const bad of ['tri=prenom', 'ordre=haut', 'page=0', 'taillePage=501', `q=${'a'.repeat(201)}`, 'q=a&q=b', 'q=a%09b', 'q=%00']) {
      expect({ bad, status: (await chercher(bad)).status }).toEqual({ bad, status: 400 });
    }
  });

  it('auditeur : la liste sans nom ni prénom, et la recherche par nom refusée (403) ; acheteur : 403', async () => {
    const auditeur = api.auth(await api.jetonPour('auditeur'));
    const liste = (await chercher('taillePage=500', auditeur).expect(200)).body;
    expect(liste).toMatchObject({ total: 8, identiteVisible: false });
    for (const item of liste.items) expect({ nom: item.nom, prenom: item.prenom }).toEqual({ nom: null, prenom: null });
    expect(liste.items.find((i: any) => i.id === ids.zebulon)).toMatchObject({ commune: 'Chenôve', placementsEnCours: [{ id: placements.zebulon }] });
    // Even a name nobody bears: the answer must not depend on who is recorded.
    for (const q of ['zebulon', 'personne']) {
      const refus = await chercher(`q=${q}`, auditeur).expect(403);
      expect(refus.body.code).toBe('RECHERCHE_NOMINATIVE_REFUSEE');
    }
    // Neither is the order by name an identity read for them.
    const parNom = (await chercher('taillePage=500', auditeur).expect(200)).body.items.map((i: any) => i.id);
    expect(parNom).toEqual([...parNom].sort());
    const manquantes = (await api.get(`/declarations/manquantes?mois=2025-03&apres=${position}`, auditeur).expect(200)).body;
    expect(manquantes.identiteVisible).toBe(false);
    for (const item of manquantes.items) expect([item.nom, item.prenom]).toEqual([null, null]);

    const acheteur = api.auth(await api.jetonPour('acheteur', { donneurOrdreId: marche1.donneurOrdreId }));
    for (const route of ['/salaries', '/salaries?q=zebulon', '/placements', '/declarations/manquantes?mois=2025-03']) {
      expect({ route, status: (await api.get(route, acheteur)).status }).toEqual({ route, status: 403 });
    }
  });

  it('filtre les placements par marché, personne, entreprise, en cours', async () => {
    const lister = async (query: string) => (await api.get(`/placements?apres=${position}&${query}`).expect(200)).body;
    const tous = await lister('');
    expect(tous.total).toBe(5);
    expect(tous.items.find((i: any) => i.id === placements.zebulon)).toEqual({
      id: placements.zebulon,
      salarieId: ids.zebulon,
      marcheId: marche1.marcheId,
      entrepriseId: marche1.entrepriseId,
      modalite: 'embauche_directe',
      typeContrat: 'cdi',
      dateDebut: '2025-01-02',
      dateFin: null,
      enCours: true,
      heuresTotales: 120.5,
    });
    const idsDe = (body: any) => body.items.map((i: any) => i.id).sort();
    expect(idsDe(await lister(`marcheId=${marche1.marcheId}`))).toEqual([placements.zebulon, placements.camille].sort());
    expect(idsDe(await lister(`marcheId=${marche2.marcheId.toUpperCase()}`))).toEqual([placements.durand1, placements.durand2, placements.durand3].sort());
    expect(idsDe(await lister(`salarieId=${ids.camille}`))).toEqual([placements.camille]);
    expect(idsDe(await lister(`entrepriseId=${marche2.entrepriseId}&enCours=true`))).toEqual([placements.durand2]);
    const termines = await lister('enCours=false');
    expect(idsDe(termines)).toEqual([placements.durand1, placements.durand3].sort());
    expect(termines.items.find((i: any) => i.id === placements.durand1)).toMatchObject({ dateFin: '2025-02-15', enCours: false, heuresTotales: 0 });
    const page = await lister('taillePage=2&page=3');
    expect(page).toMatchObject({ total: 5, page: 3, taillePage: 2 });
    expect(page.items).toHaveLength(1);
    expect(await lister(`salarieId=${ids.oeuvre}`)).toMatchObject({ items: [], total: 0 });
    for (const bad of ['enCours=oui', 'marcheId=pas-un-uuid', 'taillePage=0']) {
      expect({ bad, status: (await api.get(`/placements?${bad}`)).status }).toEqual({ bad, status: 400 });
    }
  });

  it('liste les déclarations manquantes d’un mois : en cours ce mois-là et sans déclaration', async () => {
    const manquantes = async (query: string) => (await api.get(`/declarations/manquantes?apres=${position}&${query}`).expect(200)).body;
    const mars = await manquantes('mois=2025-03');
    // Zébulon declared March; Durand 1 ended before March; Durand 2 started after it.
    expect(mars.items.map((i: any) => i.placementId).sort()).toEqual([placements.camille, placements.durand3].sort());
    expect(mars).toMatchObject({ total: 2, mois: '2025-03', identiteVisible: true });
    expect(mars.items.find((i: any) => i.placementId === placements.camille)).toEqual({
      id: placements.camille,
      placementId: placements.camille,
      salarieId: ids.camille,
      nom: 'Martin',
      prenom: 'Camille',
      efface: false,
      marcheId: marche1.marcheId,
      numeroMarche: expect.stringMatching(/^M-\d+$/),
      entrepriseId: marche1.entrepriseId,
      dateDebut: '2025-02-01',
      dateFin: null,
    });
    const avril = await manquantes('mois=2025-04');
    expect(avril.items.map((i: any) => i.placementId).sort()).toEqual([placements.camille, placements.durand2].sort());
    expect((await manquantes(`mois=2025-03&marcheId=${marche1.marcheId}`)).items.map((i: any) => i.placementId)).toEqual([placements.camille]);
    expect((await manquantes('mois=2025-01')).items.map((i: any) => i.placementId).sort()).toEqual(
      [placements.zebulon, placements.durand1, placements.durand3].sort(),
    );
    expect(await manquantes('mois=2025-03&taillePage=1&page=2')).toMatchObject({ total: 2, page: 2, taillePage: 1 });
    // The marchés end on 31 December 2025: January 2026 can no longer be declared on them, though placements still run.
    expect(await manquantes('mois=2026-01')).toMatchObject({ items: [], total: 0 });
    for (const bad of ['', 'mois=2025-13', 'mois=2025-3', 'mois=mars', 'mois=2025-03-01']) {
      const res = await api.get(`/declarations/manquantes?${bad}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it('efface : la personne sort de la recherche par nom, et une reconstruction ne lui rend pas son nom', async () => {
    expect((await chercher('q=martin').expect(200)).body.items.map((i: any) => i.id)).toEqual([ids.camille]);
    await ecrire(api.post(`/salaries/${ids.camille}/effacement`, { motif: 'demande_de_la_personne' }));
    expect((await chercher('q=martin').expect(200)).body).toMatchObject({ items: [], total: 0 });
    expect((await chercher('q=camille').expect(200)).body).toMatchObject({ items: [], total: 0 });
    const liste = (await chercher('taillePage=500').expect(200)).body;
    expect(liste.total).toBe(8);
    expect(liste.items.find((i: any) => i.id === ids.camille)).toMatchObject({ nom: null, prenom: null, efface: true, commune: 'Dijon' });
    const manquante = (await api.get(`/declarations/manquantes?mois=2025-03&apres=${position}`).expect(200)).body.items.find(
      (i: any) => i.salarieId === ids.camille,
    );
    expect(manquante).toMatchObject({ nom: null, prenom: null, efface: true });

    // A rebuild of the annuaire by the CLI (with the same master key): the key is destroyed, the name stays gone.
    const rebuild = startApp('cli', ['projections:rebuild', 'annuaire'], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', PERSONAL_DATA_KEY });
    const fin = await rebuild.exited;
    expect({ code: fin.code, output: fin.code === 0 ? '' : rebuild.output() }).toEqual({ code: 0, output: '' });
    const { rows: generation } = await sql.query(`SELECT generation FROM projections.checkpoints WHERE name = 'annuaire'`);
    expect(Number(generation[0].generation)).toBeGreaterThan(0);
    const { rows } = await sql.query(`SELECT nom, prenom, recherche, efface FROM annuaire.salaries WHERE id = $1`, [ids.camille]);
    expect(rows).toEqual([{ nom: null, prenom: null, recherche: null, efface: true }]);
    expect((await chercher('q=martin').expect(200)).body).toMatchObject({ items: [], total: 0 });
    // The others' names were decrypted again by the rebuild.
    expect((await chercher('q=zebulon').expect(200)).body.items.map((i: any) => [i.id, i.nom])).toEqual([[ids.zebulon, 'Lefèvre']]);
    // And nowhere in the annuaire is the erased name left.
    const { rows: tout } = await sql.query(`SELECT t::text AS ligne FROM annuaire.salaries t`);
    expect(tout.map((r) => r.ligne).join('\n')).not.toMatch(/martin/i);
  }, 120_000);
});

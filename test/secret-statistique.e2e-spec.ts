import { startTestApi, type TestApi } from './support/api-app';
import { siretValide } from './support/fixtures';

/**
 * Issue 14, "small groups are not identifiable": for every role that does not see identities, a count of fewer
 * than SMALL_GROUP_THRESHOLD people (5 by default) answers null, with the shares drawn from it, and the body
 * carries secretStatistique { seuil, masques }; in CSV the cell reads `<5`. The issue's case: an acheteur
 * asking for one marché's indicators learnt that its only worker is a man over 50 living in a QPV, with RQTH
 * and under justice supervision. The facilitatrice sees every figure.
 */

/** Every number of an answer, by path (`a.b`, `items[0].c`). */
function nombres(v: unknown, chemin = ''): Array<[string, number]> {
  if (typeof v === 'number') return [[chemin, v]];
  if (Array.isArray(v)) return v.flatMap((x, k) => nombres(x, `${chemin}[${k}]`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nombres(x, chemin ? `${chemin}.${k}` : k));
  return [];
}

/** The figures of /indicateurs that are not counts of people: hours, ETP, entreprises, opérations, donneurs d'ordre, marchés. */
const PAS_DES_PERSONNES = /^(heuresRealisees|etp|heuresParSecteur\..*|entreprises|operations|donneursOrdre|marches|entreprisesPar(Type|Metier)\..*|heuresPar(Modalite|TypeEmployeur|Mois)\..*|fraicheur\..*)$/;

/** RFC 4180 with `;`, enough for our files (quoted fields may hold `;`). */
function lireCsv(texte: string): string[][] {
  return texte
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => (l.match(/("([^"]|"")*"|[^;]*)(;|$)/g) ?? []).filter((c) => c !== '').map((c) => c.replace(/;$/, '').replace(/^"(.*)"$/, '$1').replace(/""/g, '"')));
}

interface Monde {
  api: TestApi;
  apres: number;
  donneurOrdreId: string;
  marcheId: string;
}

async function monde(prefixe: string, env: Record<string, string>, personnes: Array<{ sexe: 'F' | 'M'; naissance: string; qpv: string | null; criteres: string[] }>): Promise<Monde> {
  const api = await startTestApi(prefixe, env);
  let apres = 0;
  const ecrire = async (res: Promise<{ status: number; body: any }>) => {
    const { status, body } = await res;
    if (status !== 201 && status !== 200) throw new Error(`write answered ${status}: ${JSON.stringify(body)}`);
    apres = Math.max(apres, body.position ?? 0);
    return body.id as string;
  };
  const donneurOrdreId = await ecrire(api.post('/donneurs-ordre', { nom: 'Ville de Dijon', type: 'collectivite', region: 'Bourgogne-Franche-Comté' }));
  const operationId = await ecrire(api.post('/operations', { donneurOrdreId, nom: 'Groupe scolaire Buffon', commune: 'Dijon' }));
  const marcheId = await ecrire(
    api.post('/marches', {
      donneurOrdreId,
      operationId,
      numero: 'M-2025-01',
      objet: 'Gros œuvre',
      secteur: 'btp',
      sousSecteur: 'batiment',
      baseJuridique: 'L2112-2',
      heuresPrevues: 1000,
      dateDebut: '2025-01-01',
      dateFin: '2025-12-31',
    }),
  );
  const entrepriseId = await ecrire(api.post('/entreprises', { siret: siretValide(7301), raisonSociale: 'Bâtisseurs SA', type: 'classique' }));
  await ecrire(api.post(`/marches/${marcheId}/attributions`, { entrepriseId, role: 'titulaire' }));
  await ecrire(api.put(`/marches/${marcheId}/suivi-regional`, { suivi: true }));
  for (const [n, p] of personnes.entries()) {
    const salarieId = await ecrire(
      api.post('/salaries', { nom: `Martin ${n}`, prenom: 'Claude', sexe: p.sexe, dateNaissance: p.naissance, commune: 'Dijon', quartierQpv: p.qpv, niveauFormation: 'infra_3' }),
    );
    await ecrire(api.post(`/salaries/${salarieId}/eligibilites`, { criteres: p.criteres, dateValidation: '2024-12-01' }));
    const placementId = await ecrire(
      api.post('/placements', { salarieId, marcheId, entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-01-06' }),
    );
    for (const mois of ['2025-02', '2025-03', '2025-04']) await ecrire(api.post(`/placements/${placementId}/heures`, { mois, heures: 151.67 }));
    await ecrire(api.post(`/placements/${placementId}/fin`, { dateFin: '2025-04-30', sortie: 'cdi' }));
  }
  await ecrire(api.post('/objectifs/2025', { heures: 300, partQpvPersonnes: 0.2, personnesEnEmploi: 1 }));
  return { api, apres, donneurOrdreId, marcheId };
}

const texte = (req: any) =>
  req.buffer(true).parse((response: any, callback: (e: Error | null, t: string) => void) => {
    let t = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (t += chunk));
    response.on('end', () => callback(null, t));
  });

describe('secret statistique : un marché dont le seul salarié est un homme de plus de 50 ans, en QPV, RQTH, sous main de justice', () => {
  let m: Monde;
  let auditeur: Record<string, string>;
  let acheteur: Record<string, string>;
  let coordination: Record<string, string>;
  const SEUL = [{ sexe: 'M' as const, naissance: '1968-03-10', qpv: 'Grésilles', criteres: ['rqth', 'sous_main_justice'] }];

  beforeAll(async () => {
    m = await monde('secret_statistique', {}, SEUL);
    auditeur = m.api.auth(await m.api.jetonPour('auditeur'));
    acheteur = m.api.auth(await m.api.jetonPour('acheteur', { donneurOrdreId: m.donneurOrdreId }));
    coordination = m.api.auth(await m.api.jetonPour('coordination'));
  });

  afterAll(async () => {
    await m?.api.close();
  });

  const indicateurs = (entetes: Record<string, string>) => m.api.get(`/indicateurs?annee=2025&apres=${m.apres}`, entetes).expect(200);

  it('la facilitatrice voit tout, sans secretStatistique', async () => {
    const { body } = await indicateurs({});
    expect(body).toMatchObject({ salaries: 1, femmes: 0, plus50Ans: 1, residentsQpv: 1, partQpvPersonnes: 1, criteres: { rqth: 1, sous_main_justice: 1 }, sorties: 1, personnesEnEmploi: 1 });
    expect(body).not.toHaveProperty('secretStatistique');
  });

  it.each([
    ['un auditeur', () => auditeur],
    ['un acheteur de ce donneur d’ordre', () => acheteur],
  ])('/indicateurs : %s ne lit aucun effectif ni aucune part de personnes, seulement les heures et les structures', async (_qui, entetes) => {
    const { body } = await indicateurs(entetes());
    const restants = nombres(body).filter(([c]) => !PAS_DES_PERSONNES.test(c) && !c.startsWith('secretStatistique.'));
    expect(restants).toEqual([]);
    expect(body).toMatchObject({ heuresRealisees: 455.01, entreprises: 1, marches: 1, salaries: null, femmes: null, partFemmes: null, plus50Ans: null, partPlus50Ans: null, residentsQpv: null, partQpvPersonnes: null, partQpvHeures: null });
    // Every criterion and level answers null, present or not: the keys do not tell which ones the person has.
    expect(body.criteres.rqth).toBeNull();
    expect(body.criteres.brsa).toBeNull();
    expect(Object.values(body.criteres).every((v) => v === null)).toBe(true);
    expect(Object.values(body.niveauxFormation).every((v) => v === null)).toBe(true);
    expect(body.secretStatistique.seuil).toBe(5);
    expect(body.secretStatistique.masques).toEqual(expect.arrayContaining(['salaries', 'femmes', 'partFemmes', 'plus50Ans', 'residentsQpv', 'criteres.rqth', 'criteres.sous_main_justice', 'sorties', 'personnesEnEmploi']));
    // Exactly the fields that answer null.
    const nuls = (v: unknown, chemin = ''): string[] =>
      v === null ? [chemin] : v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => nuls(x, chemin ? `${chemin}.${k}` : k)) : [];
    expect([...nuls({ ...body, secretStatistique: undefined })].sort()).toEqual([...body.secretStatistique.masques].sort());
  });

  it('/indicateurs/series : l’année du salarié masquée, une année sans personne montre 0', async () => {
    const { body } = await m.api.get(`/indicateurs/series?de=2024&a=2025&marcheId=${m.marcheId}&apres=${m.apres}`, auditeur).expect(200);
    expect(body.items).toEqual([
      { annee: 2024, heuresRealisees: 0, etp: 0, salaries: 0, entreprises: 0, operations: 0, donneursOrdre: 0, sortiesPositives: 0 },
      expect.objectContaining({ annee: 2025, heuresRealisees: 455.01, salaries: null, sortiesPositives: null }),
    ]);
    expect(body.secretStatistique).toEqual({ seuil: 5, masques: ['items[1].salaries', 'items[1].sortiesPositives'] });
    const facilitatrice = (await m.api.get(`/indicateurs/series?de=2024&a=2025&marcheId=${m.marcheId}&apres=${m.apres}`).expect(200)).body;
    expect(facilitatrice.items[1]).toMatchObject({ salaries: 1, sortiesPositives: 1 });
    expect(facilitatrice).not.toHaveProperty('secretStatistique');
  });

  it('/bilans/{annee} en JSON : indicateurs, personnes par opération et objectifs tirés d’effectifs masqués', async () => {
    const { body } = await m.api.get(`/bilans/2025?apres=${m.apres}`, auditeur).expect(200);
    expect(nombres(body.indicateurs).filter(([c]) => !PAS_DES_PERSONNES.test(c))).toEqual([]);
    expect(body.operations).toEqual([expect.objectContaining({ nom: 'Groupe scolaire Buffon', heuresRealisees: 455.01, salaries: null })]);
    expect(body.objectifs).toEqual({
      heures: { objectif: 300, realise: 455.01, atteint: true },
      partQpvPersonnes: { objectif: 0.2, realise: null, atteint: null },
      personnesEnEmploi: { objectif: 1, realise: null, atteint: null },
    });
    expect(body.marches).toEqual([expect.objectContaining({ numero: 'M-2025-01', heuresRealisees: 455.01 })]);
    expect(body.secretStatistique.masques).toEqual(expect.arrayContaining(['indicateurs.salaries', 'indicateurs.criteres.rqth', 'operations[0].salaries', 'objectifs.partQpvPersonnes.realise']));
    const facilitatrice = (await m.api.get(`/bilans/2025?apres=${m.apres}`).expect(200)).body;
    expect(facilitatrice.operations[0].salaries).toBe(1);
    expect(facilitatrice.objectifs.personnesEnEmploi).toEqual({ objectif: 1, realise: 1, atteint: true });
    expect(facilitatrice).not.toHaveProperty('secretStatistique');
  });

  it('/bilans/{annee} en CSV : chaque chiffre de personnes se lit <5, les heures restent', async () => {
    const lire = async (entetes: Record<string, string>) => lireCsv((await texte(m.api.get(`/bilans/2025?apres=${m.apres}`, entetes).set('Accept', 'text/csv')).expect(200)).body);
    const csv = await lire(auditeur);
    const valeur = (libelle: string) => csv.find((l) => l[0] === libelle)?.[1];
    expect(valeur('Heures réalisées')).toBe('455,01');
    expect(valeur('Entreprises')).toBe('1');
    for (const libelle of ['Salariés (personnes)', 'Femmes (personnes)', 'Part des femmes (heures)', '50 ans et plus (personnes)', 'Part des résidents QPV (personnes)', 'Travailleur handicapé (RQTH)', 'Personne placée sous main de justice', 'Personnes en emploi']) {
      expect({ libelle, valeur: valeur(libelle) }).toEqual({ libelle, valeur: '<5' });
    }
    expect(valeur('Personnes en emploi : réalisé')).toBe('<5');
    expect(valeur('Personnes en emploi : objectif atteint')).toBe('<5');
    // The opérations' table: its last column is the people.
    const operation = csv.find((l) => l[0] === 'Groupe scolaire Buffon');
    expect(operation?.[operation.length - 1]).toBe('<5');
    const facilitatrice = await lire({});
    expect(facilitatrice.find((l) => l[0] === 'Salariés (personnes)')?.[1]).toBe('1');
    expect(facilitatrice.find((l) => l[0] === 'Travailleur handicapé (RQTH)')?.[1]).toBe('1');
    expect(facilitatrice.flat()).not.toContain('<5');
  });

  it('/coordination-regionale : la coordination ne lit aucun effectif de personnes, et le secret s’y déclare', async () => {
    const marches = (await m.api.get(`/coordination-regionale/marches?date=2025-12-31&apres=${m.apres}`, coordination).expect(200)).body;
    expect(marches.items).toEqual([expect.objectContaining({ marcheId: m.marcheId, heuresRealisees: 455.01 })]);
    const totaux = (await m.api.get(`/coordination-regionale/indicateurs?annee=2025&date=2025-12-31&apres=${m.apres}`, coordination).expect(200)).body;
    expect(totaux).toMatchObject({ marchesSuivis: 1, heuresRealisees: 455.01 });
    for (const body of [marches, totaux]) {
      expect(body.secretStatistique).toEqual({ seuil: 5, masques: [] });
      expect(nombres(body).map(([c]) => c).filter((c) => /salari|femme|personne|qpv|sortie|embauche|critere|ans$|niveau/i.test(c))).toEqual([]);
    }
    expect((await m.api.get(`/coordination-regionale/indicateurs?annee=2025&apres=${m.apres}`).expect(200)).body).not.toHaveProperty('secretStatistique');
  });

  it('/exports/consolidation/{annee} : colonnes de personnes et de placements null en JSON, <5 en CSV', async () => {
    const { body } = await m.api.get(`/exports/consolidation/2025?apres=${m.apres}`, auditeur).expect(200);
    for (const c of body.colonnes) {
      const personnes = c.unite === 'personnes' || c.unite === 'placements';
      expect({ colonne: c.colonne, masquee: c.valeur === null }).toEqual({ colonne: c.colonne, masquee: personnes });
    }
    expect(body.colonnes.find((c: any) => c.colonne === 'heures_insertion').valeur).toBe(455.01);
    expect(body.secretStatistique.masques).toHaveLength(body.colonnes.filter((c: any) => c.valeur === null).length);
    const csv = lireCsv((await texte(m.api.get(`/exports/consolidation/2025?apres=${m.apres}`, auditeur).set('Accept', 'text/csv')).expect(200)).body);
    const ligne = (code: string) => csv.find((l) => l[1] === code);
    expect(ligne('personnes_50_ans_et_plus')?.[4]).toBe('<5');
    expect(ligne('personnes_critere_rqth')?.[4]).toBe('<5');
    expect(ligne('personnes_critere_brsa')?.[4]).toBe('<5');
    expect(ligne('heures_insertion')?.[4]).toBe('455,01');
    const facilitatrice = lireCsv((await texte(m.api.get(`/exports/consolidation/2025?apres=${m.apres}`).set('Accept', 'text/csv')).expect(200)).body);
    expect(facilitatrice.find((l) => l[1] === 'personnes_critere_rqth')?.[4]).toBe('1');
  });

  it('documente secretStatistique dans la réponse 200 de chaque route concernée (OpenAPI)', async () => {
    const openapi = (await m.api.get('/docs/json').expect(200)).body;
    const routes = ['/api/indicateurs', '/api/indicateurs/series', '/api/bilans/{annee}', '/api/coordination-regionale/marches', '/api/coordination-regionale/indicateurs', '/api/exports/consolidation/{annee}'];
    for (const route of routes) {
      const ok = openapi.paths[route]?.get?.responses?.['200'];
      const schema = ok?.content?.['application/json']?.schema;
      expect({ route, documente: ok?.description?.includes('secretStatistique') && schema?.properties?.secretStatistique !== undefined }).toEqual({ route, documente: true });
    }
  });
});

describe('secret statistique : le seuil est un réglage (SMALL_GROUP_THRESHOLD)', () => {
  let m: Monde;
  let auditeur: Record<string, string>;
  // Four people: one woman, three men.
  const QUATRE = [
    { sexe: 'F' as const, naissance: '1990-01-01', qpv: null, criteres: ['deld'] },
    ...[1, 2, 3].map(() => ({ sexe: 'M' as const, naissance: '1990-01-01', qpv: null, criteres: ['deld'] })),
  ];

  beforeAll(async () => {
    m = await monde('secret_statistique_seuil', { SMALL_GROUP_THRESHOLD: '3' }, QUATRE);
    auditeur = m.api.auth(await m.api.jetonPour('auditeur'));
  });

  afterAll(async () => {
    await m?.api.close();
  });

  it('à 3, quatre personnes se lisent, la seule femme non ; le CSV dit <3', async () => {
    const { body } = await m.api.get(`/indicateurs?annee=2025&apres=${m.apres}`, auditeur).expect(200);
    expect(body).toMatchObject({ salaries: 4, femmes: null, partFemmes: null, partFemmesHeures: null, moins26Ans: 0, plus50Ans: 0, criteres: { deld: 4 } });
    expect(body.secretStatistique.seuil).toBe(3);
    expect(body.secretStatistique.masques).toEqual(expect.arrayContaining(['femmes', 'partFemmes', 'partFemmesHeures']));
    expect(body.secretStatistique.masques).not.toContain('salaries');
    const csv = lireCsv((await texte(m.api.get(`/bilans/2025?apres=${m.apres}`, auditeur).set('Accept', 'text/csv')).expect(200)).body);
    expect(csv.find((l) => l[0] === 'Femmes (personnes)')?.[1]).toBe('<3');
    expect(csv.find((l) => l[0] === 'Salariés (personnes)')?.[1]).toBe('4');
  });
});

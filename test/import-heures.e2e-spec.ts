import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { donneesDesFichiersDHeures, NUMERO_DES_FICHIERS, SIRET_DES_FICHIERS } from './support/donnees-des-fichiers-d-heures';
import { startTestApi, type TestApi } from './support/api-app';

const FIXTURES = join(__dirname, 'fixtures');
const SIRET = SIRET_DES_FICHIERS;
const NUMERO = NUMERO_DES_FICHIERS;

/**
 * The month's timesheets imported from spreadsheets, through the HTTP API with real files: the
 * French CSV in UTF-8 (with BOM) and in Windows-1252, the XLSX; a dry run records nothing; a file
 * with errors records nothing and lists every error by line and column; a re-import is a no-op.
 */
describe('import des heures du mois (POST /imports/heures)', () => {
  let api: TestApi;
  let sql: Client;
  let position = 0;
  const salaries: Record<string, string> = {};
  const placements: Record<string, string> = {};
  let donneurOrdreId: string;


  const importer = (contenu: Buffer, nom: string, query = '', headers: Record<string, string> = api.entetes) => {
    const req = request(api.server).post(`/api/imports/heures${query}`);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.attach('fichier', contenu, nom);
  };
  const fixture = (nom: string) => readFileSync(join(FIXTURES, nom));
  const evenements = async () => Number((await sql.query(`SELECT count(*) AS n FROM event_store.events`)).rows[0].n);
  const declarations = async (cle: string) => (await api.get(`/placements/${placements[cle]}`).expect(200)).body.declarations.map((d: any) => [d.mois, d.heures]);

  beforeAll(async () => {
    api = await startTestApi('import_heures');
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    const donnees = await donneesDesFichiersDHeures(api);
    donneurOrdreId = donnees.donneurOrdreId;
    position = donnees.position;
    for (const p of donnees.personnes) {
      salaries[p.cle] = p.salarieId;
      placements[p.cle] = p.placementId;
    }
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  it('simule sans rien enregistrer, puis enregistre le CSV UTF-8 avec BOM', async () => {
    const avant = await evenements();
    const simulation = await importer(fixture('heures-utf8-bom.csv'), 'heures-utf8-bom.csv', '?simulation=true').expect(200);
    expect(simulation.body).toMatchObject({
      etat: 'simule',
      simulation: true,
      format: 'csv',
      encodage: 'utf-8',
      lignes: 9,
      declarations: 9,
      corrections: 0,
      inchangees: 0,
      erreurs: [],
      erreursTotal: 0,
      probleme: null,
      progression: null,
      position: null,
    });
    expect(await evenements()).toBe(avant);

    const reel = await importer(fixture('heures-utf8-bom.csv'), 'heures-utf8-bom.csv').expect(201);
    expect(reel.body).toMatchObject({ etat: 'enregistre', simulation: false, lignes: 9, declarations: 9, corrections: 0, inchangees: 0, erreurs: [] });
    expect(reel.body.position).toBeGreaterThan(position);
    expect(await declarations('helene')).toEqual([
      ['2025-01', 151.67],
      ['2025-02', 140],
      ['2025-03', 98.5],
    ]);
    expect(await declarations('noel')).toEqual([
      ['2025-01', 35],
      ['2025-02', 70.5],
      ['2025-03', 140],
    ]);
    // 9 declarations, each with its locator.
    expect(await evenements()).toBe(avant + 18);
    // The hours reach the read side: the marché's realised hours.
    const conformite = await api.get(`/marches/${(await api.get(`/placements/${placements.helene}`)).body.marcheId}/conformite?apres=${reel.body.position}`).expect(200);
    expect(conformite.body.heuresRealisees).toBeCloseTo(151.67 + 140 + 98.5 + 120.25 + 75 + 151.67 + 35 + 70.5 + 140, 2);
    // The job is kept, to follow and to audit.
    const suivi = await api.get(`/imports/${reel.body.id}`).expect(200);
    expect(suivi.body).toMatchObject({ id: reel.body.id, etat: 'enregistre', declarations: 9 });
    expect(suivi.body.empreinte).toMatch(/^[0-9a-f]{64}$/);
  });

  it('réimporter le même fichier, en Windows-1252 ou en XLSX, n’enregistre rien deux fois', async () => {
    const avant = await evenements();
    for (const [nom, format, encodage] of [
      ['heures-utf8-bom.csv', 'csv', 'utf-8'],
      ['heures-windows-1252.csv', 'csv', 'windows-1252'],
      ['heures.xlsx', 'xlsx', null],
    ] as const) {
      const res = await importer(fixture(nom), nom).expect(201);
      expect({ nom, body: res.body }).toMatchObject({ nom, body: { etat: 'enregistre', format, encodage, lignes: 9, declarations: 0, corrections: 0, inchangees: 9, erreurs: [] } });
    }
    expect(await evenements()).toBe(avant);
  });

  it('un fichier avec des erreurs n’enregistre rien et les liste toutes, par ligne et colonne', async () => {
    const avant = await evenements();
    const res = await importer(fixture('heures-erreurs.csv'), 'heures-erreurs.csv').expect(422);
    expect(res.body.code).toBe('IMPORT_REFUSE');
    expect(res.body.message).toMatch(/rien n'a été enregistré/);
    const erreurs = res.body.details.erreurs.map((e: any) => [e.ligne, e.colonne, e.code]);
    expect(erreurs).toEqual([
      [3, 'mois', 'MOIS_INVALIDE'],
      [5, 'dateNaissance', 'DATE_NAISSANCE_INVALIDE'],
      [5, 'heures', 'HEURES_INVALIDES'],
      [6, 'siret', 'SIRET_INVALIDE'],
    ]);
    for (const e of res.body.details.erreurs) expect(e.message.length).toBeGreaterThan(20);
    expect(res.body.details).toMatchObject({ etat: 'refuse', lignes: 6, erreursTotal: 4, declarations: 3 });
    expect(await evenements()).toBe(avant);
    expect(await declarations('helene')).toHaveLength(3);
    // The dry run reports the same errors with 200: it is a report, not a refusal.
    const simulation = await importer(fixture('heures-erreurs.csv'), 'heures-erreurs.csv', '?simulation=true').expect(200);
    expect(simulation.body.erreurs.map((e: any) => [e.ligne, e.colonne, e.code])).toEqual(erreurs);
    // All of them, page by page.
    const page = await api.get(`/imports/${res.body.details.id}/erreurs?taillePage=2&page=2`).expect(200);
    expect(page.body).toMatchObject({ total: 4, page: 2, taillePage: 2 });
    expect(page.body.items.map((e: any) => e.ligne)).toEqual([5, 6]);
  });

  it('les règles du domaine sont vérifiées pour chaque ligne : mois futur, doublon, placement ou personne inconnus, plafond mensuel', async () => {
    const avant = await evenements();
    const csv = [
      'placement;siret;nom;prenom;dateNaissance;marche;mois;heures',
      `${placements.zoe};;;;;;12/2099;10`,
      `${placements.zoe};;;;;;04/2025;200`,
      `;${SIRET};Müller;Zoé;02/11/1999;${NUMERO};04/2025;30`,
      `00000000-0000-4000-8000-000000000000;;;;;;04/2025;10`,
      `;${SIRET};Inconnue;Personne;01/01/1990;${NUMERO};04/2025;10`,
      `;${SIRET};Müller;Zoé;02/11/1999;AUTRE-MARCHE;05/2025;10`,
      `${placements.zoe};;;;;;06/2025;230`,
    ].join('\r\n');
    const res = await importer(Buffer.from(csv, 'utf8'), 'regles.csv').expect(422);
    expect(res.body.details.erreurs.map((e: any) => [e.ligne, e.colonne, e.code])).toEqual([
      [2, 'mois', 'MOIS_FUTUR'],
      // The same placement and month as line 3, named by the person instead of the id.
      [4, 'mois', 'LIGNE_EN_DOUBLE'],
      [5, 'placement', 'PLACEMENT_INTROUVABLE'],
      [6, 'nom', 'SALARIE_INTROUVABLE'],
      [7, 'marche', 'PLACEMENT_INTROUVABLE'],
      [8, 'heures', 'HEURES_MAX_MOIS_DEPASSEES'],
    ]);
    // No name is repeated in the errors kept with the job.
    expect(JSON.stringify(res.body.details.erreurs)).not.toMatch(/Inconnue|Müller/);
    expect(await evenements()).toBe(avant);
  });

  it('un mois déjà déclaré avec d’autres heures devient une correction, avec le fichier et la ligne pour motif', async () => {
    const csv = ['siret;nom;prenom;dateNaissance;marche;mois;heures', `${SIRET};DUBOIS LEFEVRE;helene;1988-03-14;${NUMERO.toLowerCase()};2025-01;150`].join('\n');
    const res = await importer(Buffer.from(csv, 'utf8'), 'rectificatif janvier.csv').expect(201);
    expect(res.body).toMatchObject({ etat: 'enregistre', fichier: 'rectificatif janvier.csv', declarations: 0, corrections: 1, inchangees: 0 });
    const placement = (await api.get(`/placements/${placements.helene}`).expect(200)).body;
    const janvier = placement.declarations.find((d: any) => d.mois === '2025-01');
    expect(janvier).toMatchObject({ heures: 150, heuresDeclarees: 151.67 });
    expect(janvier.corrections).toEqual([expect.objectContaining({ heures: 150, heuresPrecedentes: 151.67, motif: 'Import du fichier « rectificatif janvier.csv », ligne 2' })]);
  });

  it('refuse clairement un fichier illisible, incomplet, absent ou trop gros, et les rôles qui n’écrivent pas', async () => {
    const jetons = {
      acheteur: await api.jetonPour('acheteur', { donneurOrdreId }),
      coordination: await api.jetonPour('coordination'),
      auditeur: await api.jetonPour('auditeur'),
    };
    const avant = await evenements();
    const colonnes = await importer(Buffer.from('nom;mois;heures\r\nDurand;01/2025;10\r\n'), 'incomplet.csv').expect(422);
    expect(colonnes.body).toMatchObject({ code: 'FICHIER_COLONNES_MANQUANTES' });
    expect(colonnes.body.message).toMatch(/placement/);
    const binaire = await importer(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), 'casse.xlsx').expect(422);
    expect(binaire.body.code).toBe('FICHIER_ILLISIBLE');
    const vide = await importer(Buffer.from('placement;mois;heures\r\n'), 'vide.csv').expect(422);
    expect(vide.body.code).toBe('FICHIER_VIDE');
    const sansFichier = await request(api.server).post('/api/imports/heures').set(api.entetes).field('autre', 'x').expect(400);
    expect(sansFichier.body.code).toBe('FICHIER_MANQUANT');
    const json = await api.post('/imports/heures', { lignes: [] }).expect(415);
    expect(json.body.code).toBe('TYPE_DE_CONTENU_NON_SUPPORTE');
    const gros = await importer(Buffer.alloc(21 * 1024 * 1024, 'a'), 'gros.csv').expect(413);
    expect(gros.body.code).toBe('FICHIER_TROP_VOLUMINEUX');
    const simulationInvalide = await importer(fixture('heures.xlsx'), 'heures.xlsx', '?simulation=oui').expect(400);
    expect(simulationInvalide.body.code).toBe('REQUETE_INVALIDE');
    for (const jeton of Object.values(jetons)) {
      const res = await importer(fixture('heures-utf8-bom.csv'), 'heures.csv', '', api.auth(jeton)).expect(403);
      expect(res.body.code).toBe('ACCES_REFUSE');
    }
    expect(await evenements()).toBe(avant);
  });

  it('fournit les modèles CSV et XLSX, qui se relisent', async () => {
    const csv = await api.get('/imports/heures/modele.csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('placement;siret;nom;prenom;dateNaissance;marche;mois;heures');
    const xlsx = await api.get('/imports/heures/modele.xlsx').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const classeur = new ExcelJS.Workbook();
    await classeur.xlsx.load(xlsx.body);
    expect(classeur.worksheets.map((f) => f.name)).toEqual(['Heures', "Mode d'emploi"]);
    expect(classeur.getWorksheet('Heures')!.getRow(1).values).toEqual([undefined, 'placement', 'siret', 'nom', 'prenom', 'dateNaissance', 'marche', 'mois', 'heures']);
  });

  it('liste les imports, du plus récent au plus ancien', async () => {
    const liste = await api.get('/imports?taillePage=3').expect(200);
    expect(liste.body.total).toBeGreaterThanOrEqual(8);
    expect(liste.body.items).toHaveLength(3);
    const dates = liste.body.items.map((i: any) => i.creeLe);
    expect([...dates].sort().reverse()).toEqual(dates);
    await api.get('/imports/3f1c0000-0000-4000-8000-000000000009').expect(404);
  });
});

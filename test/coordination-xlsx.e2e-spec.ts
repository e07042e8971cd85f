import ExcelJS from 'exceljs';
import { marchesSuivisEnXlsx } from '../apps/api/src/coordination-regionale/marches-suivis.xlsx';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';

/**
 * The regional coordination's followed marchés as XLSX (`GET /coordination-regionale/marches?format=xlsx`, or by
 * `Accept`): one sheet « Marchés suivis » holding every followed marché of the JSON list (pages ignored), typed and
 * formatted, with the statistical secrecy of the JSON; the JSON answer itself unchanged.
 */

const MIME_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DATE = '2025-06-30';

/** supertest: the answer's bytes as a Buffer. */
const binaryParser = (res: any, callback: (e: Error | null, b: Buffer) => void) => {
  const morceaux: Buffer[] = [];
  res.on('data', (c: Buffer) => morceaux.push(c));
  res.on('end', () => callback(null, Buffer.concat(morceaux)));
};

async function ouvrir(contenu: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(contenu as any);
  return wb;
}

async function classeur(req: any): Promise<{ res: any; wb: ExcelJS.Workbook }> {
  const res = await req.buffer(true).parse(binaryParser);
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 200, type: MIME_XLSX });
  return { res, wb: await ouvrir(res.body) };
}

/** The rows of a sheet under its header, as values (cell.value), empty cells as undefined. */
function lignes(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    out.push(Array.from({ length: ws.columnCount }, (_, j) => row.getCell(j + 1).value ?? undefined));
  }
  return out;
}

const entetes = (ws: ExcelJS.Worksheet) => (ws.getRow(1).values as unknown[]).slice(1);
const enDate = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

const ENTETES = [
  'Numéro du marché',
  'Objet',
  "Donneur d'ordre",
  'Secteur',
  'Début',
  'Fin prévue',
  'Clôture',
  'Heures prévues',
  'Heures réalisées',
  'Heures attendues au 30/06/2025',
  'Taux de réalisation',
  'Statut au 30/06/2025',
  'Heures manquantes',
  'Heures après clôture',
];

describe('GET /api/coordination-regionale/marches en XLSX', () => {
  let api: TestApi;
  let apres = 0;
  let suivi: Awaited<ReturnType<typeof marcheAttribue>>;
  let clos: Awaited<ReturnType<typeof marcheAttribue>>;
  let nonSuivi: Awaited<ReturnType<typeof marcheAttribue>>;
  let plusSuivi: Awaited<ReturnType<typeof marcheAttribue>>;
  let coordination: Record<string, string>;
  let acheteur: Record<string, string>;
  const numeros: Record<string, string> = {};

  const ecrire = async (res: Promise<{ status: number; body: any }>, attendu = 201) => {
    const { status, body } = await res;
    if (status !== attendu) throw new Error(`écriture : ${status} ${JSON.stringify(body)}`);
    apres = Math.max(apres, body.position ?? 0);
    return body as { id: string; position: number };
  };

  beforeAll(async () => {
    api = await startTestApi('coordination_xlsx');
    suivi = await marcheAttribue(api);
    clos = await marcheAttribue(api);
    nonSuivi = await marcheAttribue(api);
    plusSuivi = await marcheAttribue(api);
    for (const m of [suivi, clos, plusSuivi]) await ecrire(api.put(`/marches/${m.marcheId}/suivi-regional`, { suivi: true }), 200);
    // Followed then no longer: an empty follow period, not in the list.
    await ecrire(api.put(`/marches/${plusSuivi.marcheId}/suivi-regional`, { suivi: false }), 200);
    // One person per marché: a person's hours of a month are capped across placements.
    const heures = async (m: { marcheId: string; entrepriseId: string }, mois: Array<[string, number]>) => {
      const p = await placement(api, await salarieEligible(api), m);
      for (const [moisDe, h] of mois) await ecrire(api.post(`/placements/${p}/heures`, { mois: moisDe, heures: h }));
    };
    await heures(suivi, [
      ['2025-03', 160.25],
      ['2025-04', 160.25],
      ['2025-05', 160],
    ]);
    await heures(clos, [
      ['2025-03', 120.5],
      ['2025-05', 10],
    ]);
    await heures(nonSuivi, [['2025-03', 200]]);
    await ecrire(api.post(`/marches/${clos.marcheId}/cloture`, { date: '2025-04-15' }));
    for (const [nom, m] of Object.entries({ suivi, clos, nonSuivi, plusSuivi })) numeros[nom] = (await api.get(`/marches/${m.marcheId}`)).body.numero;
    coordination = api.auth(await api.jetonPour('coordination'));
    acheteur = api.auth(await api.jetonPour('acheteur', { identifiant: 'acheteur-coordination-xlsx', donneurOrdreId: suivi.donneurOrdreId }));
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  const json = async (query: string, entetesHttp: Record<string, string> = coordination) => {
    const { status, body } = await api.get(`/coordination-regionale/marches?date=${DATE}&apres=${apres}${query}`, entetesHttp);
    expect(status).toBe(200);
    return body;
  };

  it('le JSON reste tel quel : paginé, secretStatistique déclaré pour la coordination', async () => {
    const body = await json('&taillePage=1');
    expect(Object.keys(body)).toEqual(['items', 'total', 'page', 'taillePage', 'date', 'fraicheur', 'secretStatistique']);
    expect({ total: body.total, page: body.page, taillePage: body.taillePage, date: body.date, n: body.items.length }).toEqual({ total: 2, page: 1, taillePage: 1, date: DATE, n: 1 });
    expect(body.secretStatistique).toEqual({ seuil: 5, masques: [] });
    expect(body.items[0]).toMatchObject({ id: body.items[0].marcheId, numero: expect.any(String), donneurOrdreNom: 'Région BFC' });
    // Who sees identities reads it without the secrecy's field.
    expect(await json('&taillePage=1', {})).not.toHaveProperty('secretStatistique');
    // The database pages: page 2 of 1 row is the second of the whole list, a page past the end is empty with the same total.
    const tous = (await json('&taillePage=2')).items.map((m: any) => m.marcheId);
    expect((await json('&taillePage=1&page=2')).items.map((m: any) => m.marcheId)).toEqual([tous[1]]);
    expect(await json('&taillePage=1&page=3')).toMatchObject({ items: [], total: 2, page: 3 });
  });

  it('?format=xlsx : une feuille « Marchés suivis », exactement les marchés suivis, chiffres et dates typés', async () => {
    const tous = await json('&taillePage=500');
    expect(tous.items.map((m: any) => m.numero)).toEqual([numeros.suivi, numeros.clos].sort());
    // Pages ignored: the file holds the whole list.
    const { res, wb } = await classeur(api.get(`/coordination-regionale/marches?date=${DATE}&apres=${apres}&taillePage=1&page=2&format=xlsx`, coordination));
    expect(res.headers['content-disposition']).toBe(`attachment; filename="marches-suivis-${DATE}.xlsx"`);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Marchés suivis']);
    const ws = wb.getWorksheet('Marchés suivis')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(entetes(ws)).toEqual(ENTETES);

    const rows = lignes(ws);
    expect(rows.map((l) => l[0])).toEqual(tous.items.map((m: any) => m.numero));
    const parNumero = new Map(rows.map((l) => [l[0], l]));
    const enCours = tous.items.find((m: any) => m.marcheId === suivi.marcheId);
    expect(parNumero.get(numeros.suivi)).toEqual([
      numeros.suivi,
      'Réhabilitation',
      'Région BFC',
      'Bâtiment et travaux publics (BTP)',
      enDate('2025-01-01'),
      enDate('2025-12-31'),
      undefined,
      1000,
      480.5,
      enCours.heuresAttendues,
      enCours.tauxRealisation,
      'Conforme',
      enCours.heuresManquantes,
      0,
    ]);
    expect(enCours).toMatchObject({ heuresRealisees: 480.5, statut: 'conforme' });
    // Closed on 15 April: 120.5 h by then, 10 h in May apart, objective not reached.
    expect(parNumero.get(numeros.clos)).toEqual([
      numeros.clos,
      'Réhabilitation',
      'Région BFC',
      'Bâtiment et travaux publics (BTP)',
      enDate('2025-01-01'),
      enDate('2025-12-31'),
      enDate('2025-04-15'),
      1000,
      120.5,
      expect.any(Number),
      0.1205,
      'Objectif non atteint',
      879.5,
      10,
    ]);
    expect(tous.items.find((m: any) => m.marcheId === clos.marcheId)).toMatchObject({ heuresRealisees: 120.5, statut: 'non_atteint', heuresManquantes: 879.5, heuresApresCloture: 10 });
    // The others: never followed, or no longer.
    expect(rows.map((l) => l[0])).not.toContain(numeros.nonSuivi);
    expect(rows.map((l) => l[0])).not.toContain(numeros.plusSuivi);

    const formats = (r: number) => [5, 6, 8, 9, 10, 11, 13].map((c) => ws.getRow(r).getCell(c).numFmt);
    expect(formats(2)).toEqual(['dd/mm/yyyy', 'dd/mm/yyyy', '#,##0.00', '#,##0.00', '#,##0.00', '0.0%', '#,##0.00']);
    // Nothing of the coordination's list is a count of people: nothing masked.
    expect(JSON.stringify(rows)).not.toContain('<5');
  });

  it('Accept: le type XLSX donne le même classeur', async () => {
    const parFormat = lignes((await classeur(api.get(`/coordination-regionale/marches?date=${DATE}&apres=${apres}&format=xlsx`, coordination))).wb.worksheets[0]);
    const { res, wb } = await classeur(api.get(`/coordination-regionale/marches?date=${DATE}&apres=${apres}`, { ...coordination, Accept: MIME_XLSX }));
    expect(res.headers['content-disposition']).toBe(`attachment; filename="marches-suivis-${DATE}.xlsx"`);
    expect(lignes(wb.getWorksheet('Marchés suivis')!)).toEqual(parFormat);
    expect(parFormat).toHaveLength(2);
  });

  it('un format inconnu est refusé (400)', async () => {
    const { status } = await api.get(`/coordination-regionale/marches?format=csv`, coordination);
    expect(status).toBe(400);
  });

  it("un acheteur n'y accède pas (403), ni en JSON ni en XLSX", async () => {
    expect((await api.get(`/coordination-regionale/marches?date=${DATE}&format=xlsx`, acheteur)).status).toBe(403);
    expect((await api.get(`/coordination-regionale/marches?date=${DATE}`, { ...acheteur, Accept: MIME_XLSX })).status).toBe(403);
    expect((await api.get(`/coordination-regionale/marches?date=${DATE}`, acheteur)).status).toBe(403);
  });

  it('une case masquée par le secret statistique (null dans le JSON) se lit « <5 »', async () => {
    // No figure of the list is masked today (groupesCoordination is empty): the rendering of a masked answer, directly.
    const body = await json('&taillePage=500');
    const masque = { ...body, items: body.items.map((m: any, k: number) => (k === 0 ? { ...m, heuresRealisees: null, tauxRealisation: null } : m)), secretStatistique: { seuil: 5, masques: ['items[0].heuresRealisees'] } };
    const ws = (await ouvrir(await marchesSuivisEnXlsx(masque))).getWorksheet('Marchés suivis')!;
    expect([ws.getRow(2).getCell(9).value, ws.getRow(2).getCell(11).value]).toEqual(['<5', '<5']);
    expect(ws.getRow(3).getCell(9).value).toBe(body.items[1].heuresRealisees);
  });
});

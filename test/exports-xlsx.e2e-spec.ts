import ExcelJS from 'exceljs';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue } from './support/fixtures';

/**
 * Issue 16, "Export": the bilan, the marchés list and a marché's monthly statement as XLSX (and the statement as
 * CSV): the workbooks open with exceljs and hold the figures of the JSON answers, typed and formatted, with the
 * caller's scope and the statistical secrecy applied.
 */

const MIME_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** supertest: the answer's bytes as a Buffer. */
const binaryParser = (res: any, callback: (e: Error | null, b: Buffer) => void) => {
  const morceaux: Buffer[] = [];
  res.on('data', (c: Buffer) => morceaux.push(c));
  res.on('end', () => callback(null, Buffer.concat(morceaux)));
};

async function classeur(req: any): Promise<{ res: any; wb: ExcelJS.Workbook }> {
  const res = await req.buffer(true).parse(binaryParser);
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 200, type: MIME_XLSX });
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.xlsx"$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body);
  return { res, wb };
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

/** The value of a label in a label/value sheet (Synthèse, Publics, Entreprises), and its cell. */
function valeur(ws: ExcelJS.Worksheet, libelle: string, section?: string): ExcelJS.Cell {
  let dans = section === undefined;
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const l = row.getCell(1).value;
    if (section !== undefined && row.getCell(2).value == null) dans = l === section;
    else if (dans && l === libelle) return row.getCell(2);
  }
  throw new Error(`« ${libelle} » absent de la feuille ${ws.name}`);
}

const enDate = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe('exports XLSX (bilan, liste des marchés, relevé mensuel)', () => {
  let api: TestApi;
  let apres = 0;
  let a: Awaited<ReturnType<typeof marcheAttribue>>;
  let b: Awaited<ReturnType<typeof marcheAttribue>>;
  let acheteurA: Record<string, string>;
  let auditeur: Record<string, string>;

  const ecrire = async (res: Promise<{ status: number; body: any }>) => {
    const { status, body } = await res;
    expect({ status, body }).toMatchObject({ status: 201 });
    apres = Math.max(apres, body.position ?? 0);
    return body as { id: string; position: number };
  };

  beforeAll(async () => {
    api = await startTestApi('exports_xlsx');
    a = await marcheAttribue(api);
    b = await marcheAttribue(api, { dateFin: '2026-06-30' });
    const salarie = async (nom: string, prenom: string, sexe: string) => {
      const id = (
        await ecrire(api.post('/salaries', { nom, prenom, sexe, dateNaissance: '1990-05-05', commune: 'Dijon', quartierQpv: null, niveauFormation: '3' }))
      ).id;
      await ecrire(api.post(`/salaries/${id}/eligibilites`, { criteres: ['brsa'], dateValidation: '2024-12-01' }));
      return id;
    };
    const camille = await salarie('Martin', 'Camille', 'F');
    const alex = await salarie('Durand', 'Alex', 'M');
    const placer = async (salarieId: string, m: { marcheId: string; entrepriseId: string }) =>
      (await ecrire(api.post('/placements', { salarieId, marcheId: m.marcheId, entrepriseId: m.entrepriseId, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-01-06' }))).id;
    const p1 = await placer(camille, a);
    const p2 = await placer(alex, a);
    const p3 = await placer(alex, b);
    await ecrire(api.post(`/placements/${p1}/heures`, { mois: '2025-03', heures: 120.5 }));
    await ecrire(api.post(`/placements/${p1}/heures`, { mois: '2025-04', heures: 140.25 }));
    await ecrire(api.post(`/placements/${p2}/heures`, { mois: '2025-03', heures: 100 }));
    await ecrire(api.post(`/placements/${p3}/heures`, { mois: '2025-03', heures: 50.5 }));
    acheteurA = api.auth(await api.jetonPour('acheteur', { identifiant: 'acheteur-a', donneurOrdreId: a.donneurOrdreId }));
    auditeur = api.auth(await api.jetonPour('auditeur'));
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('GET /api/bilans/{annee} en XLSX', () => {
    it('les feuilles portent les chiffres du JSON, typés, en-tête gras et figé', async () => {
      const bilan = (await api.get(`/bilans/2025?apres=${apres}`)).body;
      const { wb } = await classeur(api.get(`/bilans/2025?apres=${apres}&format=xlsx`));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Synthèse', 'Publics', 'Entreprises', 'Marchés', 'Opérations']);
      for (const ws of wb.worksheets) {
        expect({ feuille: ws.name, vue: ws.views[0] }).toMatchObject({ feuille: ws.name, vue: { state: 'frozen', ySplit: 1 } });
        expect({ feuille: ws.name, gras: ws.getRow(1).getCell(1).font?.bold }).toEqual({ feuille: ws.name, gras: true });
      }
      const synthese = wb.getWorksheet('Synthèse')!;
      const heures = valeur(synthese, 'Heures réalisées');
      expect(heures.value).toBe(bilan.indicateurs.heuresRealisees);
      expect(heures.value).toBe(411.25);
      expect(heures.numFmt).toBe('#,##0.00');
      const salaries = valeur(synthese, 'Salariés (personnes)');
      expect({ v: salaries.value, f: salaries.numFmt }).toEqual({ v: 2, f: '#,##0' });
      expect(valeur(synthese, "Date d'évaluation").value).toEqual(enDate(bilan.conformite.date));
      expect(valeur(synthese, "Date d'évaluation").numFmt).toBe('dd/mm/yyyy');
      const publics = wb.getWorksheet('Publics')!;
      expect(valeur(publics, 'Femmes (personnes)').value).toBe(1);
      const part = valeur(publics, 'Part des femmes (personnes)');
      expect({ v: part.value, f: part.numFmt }).toEqual({ v: bilan.indicateurs.partFemmes, f: '0.0%' });
      expect(valeur(publics, 'Niveau 3 (CAP, BEP)', 'Niveaux de formation (personnes)').value).toBe(2);

      const marches = wb.getWorksheet('Marchés')!;
      expect(entetes(marches).slice(0, 3)).toEqual(['Numéro du marché', 'Objet', "Donneur d'ordre"]);
      const parNumero = new Map(lignes(marches).map((l) => [l[0], l]));
      expect(parNumero.size).toBe(bilan.marches.length);
      for (const m of bilan.marches) {
        const l = parNumero.get(m.numero)!;
        expect([l[4], l[5], l[7], l[8], l[9], l[10], l[12]]).toEqual([
          enDate(m.dateDebut),
          enDate(m.dateFin),
          m.heuresPrevues,
          m.heuresRealisees,
          m.heuresAttendues,
          m.tauxRealisation,
          m.heuresManquantes,
        ]);
      }
      // The same columns as the marchés list's sheet (conformite/marches.xlsx.ts).
      expect(marches.getRow(2).getCell(11).numFmt).toBe('0.0%');
      const operations = wb.getWorksheet('Opérations')!;
      expect(lignes(operations).map((l) => [l[0], l[4], l[6]])).toEqual(bilan.operations.map((o: any) => [o.nom, o.heuresRealisees, o.salaries]));
    });

    it('Accept: le type XLSX donne le même classeur ; text/csv reste le CSV', async () => {
      const { wb } = await classeur(api.get(`/bilans/2025?apres=${apres}`).set('Accept', MIME_XLSX));
      expect(valeur(wb.getWorksheet('Synthèse')!, 'Heures réalisées').value).toBe(411.25);
      const csv = await api.get(`/bilans/2025?apres=${apres}`).set('Accept', 'text/csv');
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect((await api.get(`/bilans/2025?format=pdf`)).status).toBe(400);
    });

    it('pour un auditeur, les effectifs masqués se lisent « <5 », comme null en JSON', async () => {
      const json = (await api.get(`/bilans/2025?apres=${apres}`, auditeur)).body;
      expect(json.indicateurs.femmes).toBeNull();
      expect(json.operations[0].salaries).toBeNull();
      const { wb } = await classeur(api.get(`/bilans/2025?apres=${apres}&format=xlsx`, auditeur));
      expect(valeur(wb.getWorksheet('Publics')!, 'Femmes (personnes)').value).toBe('<5');
      expect(valeur(wb.getWorksheet('Publics')!, 'Part des femmes (personnes)').value).toBe('<5');
      expect(valeur(wb.getWorksheet('Synthèse')!, 'Salariés (personnes)').value).toBe('<5');
      // Hours are not counts of people: shown.
      expect(valeur(wb.getWorksheet('Synthèse')!, 'Heures réalisées').value).toBe(411.25);
      expect(lignes(wb.getWorksheet('Opérations')!).map((l) => l[6])).toEqual(json.operations.map(() => '<5'));
    });
  });

  describe('GET /api/marches en XLSX', () => {
    it('toute la liste (filtres, tri, portée ; pages ignorées) en une feuille « Marchés » égale au JSON', async () => {
      const json = (await api.get(`/marches?apres=${apres}&tri=heuresRealisees&ordre=desc&taillePage=500`)).body;
      expect(json.total).toBe(2);
      const { wb } = await classeur(api.get(`/marches?apres=${apres}&tri=heuresRealisees&ordre=desc&taillePage=1&format=xlsx`));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Marchés']);
      const ws = wb.getWorksheet('Marchés')!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(entetes(ws)[8]).toBe('Heures réalisées');
      expect(lignes(ws).map((l) => [l[0], l[1], l[3], l[4], l[7], l[8], l[10]])).toEqual(
        json.items.map((m: any) => [m.numero, m.objet, 'Bâtiment et travaux publics (BTP)', enDate(m.dateDebut), m.heuresPrevues, m.heuresRealisees, m.tauxRealisation]),
      );
      expect(lignes(ws).map((l) => l[8])).toEqual([360.75, 50.5]);
      expect(ws.getRow(2).getCell(9).numFmt).toBe('#,##0.00');
      expect(ws.getRow(2).getCell(5).numFmt).toBe('dd/mm/yyyy');
    });

    it("un acheteur n'exporte que les marchés de son donneur d'ordre", async () => {
      const { wb } = await classeur(api.get(`/marches?apres=${apres}`, { ...acheteurA, Accept: MIME_XLSX }));
      const rows = lignes(wb.getWorksheet('Marchés')!);
      const numeroA = (await api.get(`/marches/${a.marcheId}`)).body.numero;
      expect(rows.map((l) => l[0])).toEqual([numeroA]);
      expect(rows[0][8]).toBe(360.75);
    });
  });

  describe('GET /api/marches/{id}/releve', () => {
    it('JSON : les heures par mois, et par personne pour la facilitatrice', async () => {
      const { status, body } = await api.get(`/marches/${a.marcheId}/releve?apres=${apres}`);
      expect(status).toBe(200);
      expect(body.mois).toEqual([
        { mois: '2025-03', heures: 220.5, salaries: 2 },
        { mois: '2025-04', heures: 140.25, salaries: 1 },
      ]);
      expect(body.heuresTotal).toBe(360.75);
      expect(body.parPersonne.map((p: any) => [p.nom, p.prenom, p.mois, p.heures])).toEqual([
        ['Durand', 'Alex', '2025-03', 100],
        ['Martin', 'Camille', '2025-03', 120.5],
        ['Martin', 'Camille', '2025-04', 140.25],
      ]);
      expect(body.secretStatistique).toBeUndefined();
    });

    it('XLSX pour la facilitatrice : par mois et par personne', async () => {
      const { wb } = await classeur(api.get(`/marches/${a.marcheId}/releve?apres=${apres}&format=xlsx`));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Par mois', 'Par personne']);
      const parMois = wb.getWorksheet('Par mois')!;
      expect(entetes(parMois)).toEqual(['Mois', 'Heures', 'Salariés (personnes)']);
      expect(lignes(parMois)).toEqual([
        [enDate('2025-03-01'), 220.5, 2],
        [enDate('2025-04-01'), 140.25, 1],
        ['Total', 360.75, undefined],
      ]);
      expect(parMois.getRow(2).getCell(1).numFmt).toBe('mm/yyyy');
      expect(parMois.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(lignes(wb.getWorksheet('Par personne')!)).toEqual([
        ['Durand', 'Alex', enDate('2025-03-01'), 100],
        ['Martin', 'Camille', enDate('2025-03-01'), 120.5],
        ['Martin', 'Camille', enDate('2025-04-01'), 140.25],
      ]);
    });

    it("XLSX pour l'acheteur : par mois seulement, effectifs de moins de 5 masqués", async () => {
      const json = (await api.get(`/marches/${a.marcheId}/releve?apres=${apres}`, acheteurA)).body;
      expect(json.parPersonne).toBeUndefined();
      expect(json.mois.map((m: any) => m.salaries)).toEqual([null, null]);
      expect(json.secretStatistique).toEqual({ seuil: 5, masques: ['mois[0].salaries', 'mois[1].salaries'] });
      const { wb } = await classeur(api.get(`/marches/${a.marcheId}/releve?apres=${apres}&format=xlsx`, acheteurA));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Par mois']);
      expect(lignes(wb.getWorksheet('Par mois')!)).toEqual([
        [enDate('2025-03-01'), 220.5, '<5'],
        [enDate('2025-04-01'), 140.25, '<5'],
        ['Total', 360.75, undefined],
      ]);
      expect(JSON.stringify(lignes(wb.getWorksheet('Par mois')!))).not.toMatch(/Martin|Durand/);
    });

    it("le marché d'un autre donneur d'ordre répond le même 404 qu'un identifiant inconnu", async () => {
      const autre = await api.get(`/marches/${b.marcheId}/releve?apres=${apres}&format=xlsx`, acheteurA);
      const inconnu = await api.get(`/marches/7a0f4a52-9c5e-4d1e-8f7a-2b3c4d5e6f70/releve?apres=${apres}&format=xlsx`, acheteurA);
      expect({ status: autre.status, body: autre.body }).toEqual({ status: 404, body: inconnu.body });
      expect(inconnu.body.code).toBe('MARCHE_INTROUVABLE');
      expect((await api.get(`/marches/${b.marcheId}/releve?apres=${apres}`)).status).toBe(200);
    });

    it('CSV français : BOM, « ; », virgule décimale, mois MM/AAAA, CRLF ; par personne pour la facilitatrice seulement', async () => {
      const texte = async (entetes: Record<string, string>) => {
        const res = await api
          .get(`/marches/${a.marcheId}/releve?apres=${apres}&format=csv`, entetes)
          .buffer(true)
          .parse(binaryParser);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"$/);
        return (res.body as Buffer).toString('utf8');
      };
      const facilitatrice = await texte({});
      expect(facilitatrice.charCodeAt(0)).toBe(0xfeff);
      expect(facilitatrice.slice(1).split('\r\n')).toEqual([
        'Mois;Heures;Salariés (personnes)',
        '03/2025;220,50;2',
        '04/2025;140,25;1',
        'Total;360,75;',
        '',
        'Nom;Prénom;Mois;Heures',
        'Durand;Alex;03/2025;100,00',
        'Martin;Camille;03/2025;120,50',
        'Martin;Camille;04/2025;140,25',
        '',
      ]);
      const acheteur = await texte(acheteurA);
      expect(acheteur.slice(1).split('\r\n')).toEqual(['Mois;Heures;Salariés (personnes)', '03/2025;220,50;<5', '04/2025;140,25;<5', 'Total;360,75;', '']);
    });

    // Last: erases a person of the scenario.
    it("une personne dont l'identité est effacée reste dans le relevé, sans nom", async () => {
      const alex = (await api.get(`/marches/${a.marcheId}/releve?apres=${apres}`)).body.parPersonne.find((p: any) => p.nom === 'Durand').salarieId;
      await ecrire(api.post(`/salaries/${alex}/effacement`, { motif: 'demande_de_la_personne' }));
      const json = (await api.get(`/marches/${a.marcheId}/releve?apres=${apres}`)).body;
      expect(json.parPersonne.find((p: any) => p.salarieId === alex)).toEqual({ salarieId: alex, nom: null, prenom: null, efface: true, mois: '2025-03', heures: 100 });
      expect(json.heuresTotal).toBe(360.75);
      const { wb } = await classeur(api.get(`/marches/${a.marcheId}/releve?apres=${apres}&format=xlsx`));
      const rows = lignes(wb.getWorksheet('Par personne')!);
      expect(rows).toContainEqual(['(identité effacée)', undefined, enDate('2025-03-01'), 100]);
      expect(JSON.stringify(rows)).not.toMatch(/Durand|Alex/);
    });
  });
});

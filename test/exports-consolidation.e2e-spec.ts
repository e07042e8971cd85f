import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApi, type TestApi } from './support/api-app';
import { attendreLecture, construireScenario, trancheALEnregistrement, type Registre } from './support/scenario-indicateurs';
import { CATEGORIES_SORTIE, SORTIES_POSITIVES } from './support/sorties-publiees';

/**
 * GET /exports/consolidation/{annee} (issue 13), on the indicator scenario. The expected figures are computed here
 * from the ledger of accepted writes with plain arithmetic following docs/consolidation.md; the donneurs d'ordre's
 * kinds and the marchés' legal bases, which the ledger does not keep, are read from the resources rebuilt from
 * their streams (GET /donneurs-ordre/{id}, GET /marches/{id}), not from the projection under test.
 */


const code = (v: string) => v.toLowerCase().replace(/-/g, '_');
const ajouter = (acc: Record<string, number>, cle: string, n = 1) => {
  acc[cle] = (acc[cle] ?? 0) + n;
};

/** The expected columns (only the non-zero ones; every other column of the answer must be 0). ETP unrounded. */
function attendus(r: Registre, annee: number, typeDonneur: Map<string, string>, baseMarche: Map<string, string>): Record<string, number> {
  const du = `${annee}-01-01`;
  const au = `${annee}-12-31`;
  const marches = new Map(r.marches.map((m) => [m.id, m]));
  const out: Record<string, number> = {};

  const declarations = r.declarations.filter((d) => d.centiemes > 0 && d.mois >= du.slice(0, 7) && d.mois <= au.slice(0, 7));
  const centiemes = declarations.reduce((s, d) => s + d.centiemes, 0);
  out.heures_insertion = centiemes / 100;
  out.etp = centiemes / 100 / 1607;

  const debutes = r.placements.filter((pl) => pl.dateDebut >= du && pl.dateDebut <= au);
  out.contrats_total = debutes.length;
  for (const pl of debutes) ajouter(out, `contrats_${code(pl.typeContrat)}`);

  const personnes = new Set(declarations.map((d) => d.salarieId));
  out.personnes_total = personnes.size;
  for (const s of r.salaries) {
    if (!personnes.has(s.id)) continue;
    ajouter(out, s.sexe === 'F' ? 'personnes_femmes' : 'personnes_hommes');
    // The age band at registration (the day the scenario registered the person), not the age in the year.
    const tranche = trancheALEnregistrement(s);
    ajouter(out, tranche === 'moins_26' ? 'personnes_moins_26_ans' : tranche === '50_plus' ? 'personnes_50_ans_et_plus' : 'personnes_26_49_ans');
    if (s.quartierQpv !== null) ajouter(out, 'personnes_qpv');
    for (const c of new Set(s.eligibilites.filter((e) => e.dateValidation <= au).flatMap((e) => e.criteres))) ajouter(out, `personnes_critere_${code(c)}`);
  }

  const marchesAvecHeures = [...new Set(declarations.map((d) => d.marcheId))].map((id) => marches.get(id)!);
  out.marches_total = marchesAvecHeures.length;
  for (const m of marchesAvecHeures) {
    ajouter(out, `marches_base_${code(baseMarche.get(m.id)!)}`);
    ajouter(out, `marches_secteur_${code(m.secteur)}`);
  }
  const donneurs = new Set(marchesAvecHeures.map((m) => m.donneurOrdreId));
  out.maitres_ouvrage_total = donneurs.size;
  for (const id of donneurs) ajouter(out, `maitres_ouvrage_${code(typeDonneur.get(id)!)}`);

  const typeEntreprise = new Map(r.entreprises.map((e) => [e.id, e.type]));
  const placement = new Map(r.placements.map((pl) => [pl.id, pl]));
  const entreprises = new Set(declarations.flatMap((d) => [d.entrepriseId, placement.get(d.placementId)!.entrepriseUtilisatriceId ?? d.entrepriseId]));
  out.entreprises_total = entreprises.size;
  for (const e of entreprises) ajouter(out, `entreprises_${typeEntreprise.get(e)}`);

  const sortiesDe = new Map<string, string[]>();
  for (const pl of r.placements) if (pl.fin && pl.fin.dateFin >= du && pl.fin.dateFin <= au) sortiesDe.set(pl.salarieId, [...(sortiesDe.get(pl.salarieId) ?? []), pl.fin.sortie]);
  out.sorties_total = sortiesDe.size;
  for (const sorties of sortiesDe.values()) {
    if (sorties.some((s) => SORTIES_POSITIVES.has(s))) ajouter(out, 'sorties_positives');
    for (const c of new Set(sorties.map((s) => CATEGORIES_SORTIE[s]))) ajouter(out, `sorties_${c}`);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0));
}

/** The codes of the table of docs/consolidation.md, with their labels. */
function colonnesDocumentees(): Map<string, string> {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'consolidation.md'), 'utf8');
  const out = new Map<string, string>();
  for (const ligne of doc.split('\n')) {
    const m = /^\| `([a-z0-9_]+)` \| (.+?) \| ([a-z_]+) \| (.+) \|$/.exec(ligne);
    if (m) out.set(m[1], m[2].replace(/\\\|/g, '|'));
  }
  return out;
}

describe('GET /exports/consolidation/{annee}: the national consolidation export', () => {
  let api: TestApi;
  let r: Registre;
  const typeDonneur = new Map<string, string>();
  const baseMarche = new Map<string, string>();

  beforeAll(async () => {
    api = await startTestApi('exports', { LECTURE_ATTENTE_MS: '200' });
    r = await construireScenario(api);
    await attendreLecture(api, '/indicateurs', r.dernierePosition);
    for (const d of r.donneursOrdre) typeDonneur.set(d.id, (await api.get(`/donneurs-ordre/${d.id}`).expect(200)).body.type);
    for (const m of r.marches) baseMarche.set(m.id, (await api.get(`/marches/${m.id}`).expect(200)).body.baseJuridique);
  }, 180_000);
  afterAll(async () => {
    await api?.close();
  });

  const lire = async (annee: number) => {
    const res = await api.get(`/exports/consolidation/${annee}?apres=${r.dernierePosition}`);
    expect(res.status).toBe(200);
    return res.body as { annee: number; version: number; colonnes: Array<{ colonne: string; libelle: string; unite: string; valeur: number }>; fraicheur: { position: number; retard: number } };
  };

  it.each([2024, 2025, 2026])('answers for %i every column equal to its independent computation', async (annee) => {
    const vue = await lire(annee);
    expect(vue.annee).toBe(annee);
    expect(vue.version).toBe(2);
    expect(vue.fraicheur).toEqual({ position: expect.any(Number), retard: 0 });
    expect(vue.fraicheur.position).toBeGreaterThanOrEqual(r.dernierePosition);

    const attendu = attendus(r, annee, typeDonneur, baseMarche);
    const lu = Object.fromEntries(vue.colonnes.map((c) => [c.colonne, c.valeur]));
    expect(Object.keys(lu)).toHaveLength(vue.colonnes.length); // each code once
    // Every expected figure is answered (ETP within its rounding to the hundredth).
    expect(Math.abs(lu.etp - (attendu.etp ?? 0))).toBeLessThanOrEqual(0.005 + 1e-9);
    const { etp: _etp, ...exacts } = attendu;
    const luSansEtp = Object.fromEntries(Object.entries(lu).filter(([k, v]) => k !== 'etp' && v !== 0));
    expect(luSansEtp).toEqual(exacts);
    // The scenario exercises the figures the issue names in this year.
    if (annee === 2025) {
      for (const c of ['heures_insertion', 'contrats_cdi', 'personnes_femmes', 'personnes_hommes', 'personnes_qpv', 'maitres_ouvrage_collectivite', 'marches_base_l2112_2', 'sorties_total'])
        expect({ c, v: lu[c] }).toEqual({ c, v: expect.any(Number) });
      expect(lu.heures_insertion).toBeGreaterThan(0);
      expect(Object.keys(exacts).filter((k) => k.startsWith('sorties_') && k !== 'sorties_total' && k !== 'sorties_positives').length).toBeGreaterThan(0);
    }
    // Breakdowns add up to their totals.
    const somme = (prefixe: string, sauf: string[] = []) =>
      vue.colonnes.filter((c) => c.colonne.startsWith(prefixe) && !c.colonne.endsWith('_total') && !sauf.includes(c.colonne)).reduce((s, c) => s + c.valeur, 0);
    expect(somme('contrats_')).toBe(lu.contrats_total);
    expect(somme('maitres_ouvrage_')).toBe(lu.maitres_ouvrage_total);
    expect(somme('marches_base_')).toBe(lu.marches_total);
    expect(somme('marches_secteur_')).toBe(lu.marches_total);
    expect(somme('entreprises_')).toBe(lu.entreprises_total);
    expect(lu.personnes_femmes + lu.personnes_hommes).toBe(lu.personnes_total);
    expect(lu.personnes_moins_26_ans + lu.personnes_26_49_ans + lu.personnes_50_ans_et_plus).toBe(lu.personnes_total);
  });

  it('uses the figures of /indicateurs for the same year (one definition per figure)', async () => {
    const vue = await lire(2025);
    const lu = Object.fromEntries(vue.colonnes.map((c) => [c.colonne, c.valeur]));
    const ind = (await api.get(`/indicateurs?annee=2025&apres=${r.dernierePosition}`).expect(200)).body;
    expect([lu.heures_insertion, lu.etp, lu.personnes_total, lu.personnes_femmes, lu.personnes_qpv, lu.maitres_ouvrage_total, lu.marches_total, lu.entreprises_total, lu.sorties_total]).toEqual([
      ind.heuresRealisees,
      ind.etp,
      ind.salaries,
      ind.femmes,
      ind.residentsQpv,
      ind.donneursOrdre,
      ind.marches,
      ind.entreprises,
      ind.sorties,
    ]);
  });

  it('answers the same columns, in the same order, every year, each documented in docs/consolidation.md and the OpenAPI description, and nothing undocumented', async () => {
    const documentees = colonnesDocumentees();
    expect(documentees.size).toBeGreaterThan(40);
    const annees = await Promise.all([2000, 2025].map(lire));
    const codes = annees[0].colonnes.map((c) => c.colonne);
    expect(annees[1].colonnes.map((c) => c.colonne)).toEqual(codes);
    expect(annees[0].colonnes.every((c) => c.valeur === 0)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.filter((c) => !documentees.has(c))).toEqual([]);
    expect([...documentees.keys()].filter((c) => !codes.includes(c))).toEqual([]);
    expect([...documentees.keys()]).toEqual(codes);
    for (const c of annees[1].colonnes) expect({ c: c.colonne, libelle: c.libelle }).toEqual({ c: c.colonne, libelle: documentees.get(c.colonne) });

    const openapi = (await api.get('/docs/json').expect(200)).body;
    const operation = openapi.paths['/api/exports/consolidation/{annee}']?.get ?? openapi.paths['/exports/consolidation/{annee}']?.get;
    expect(operation).toBeDefined();
    for (const c of codes) expect({ c, documente: operation.description.includes(`- ${c} (`) }).toEqual({ c, documente: true });
  });

  it('answers a CSV with one line per column: annee;colonne;libelle;unite;valeur, decimal comma', async () => {
    const json = await lire(2025);
    const res = await api.get(`/exports/consolidation/2025?apres=${r.dernierePosition}`).set('Accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="consolidation-2025.csv"');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const lignes = res.text.slice(1).split('\r\n');
    expect(lignes.pop()).toBe('');
    expect(lignes[0]).toBe('annee;colonne;libelle;unite;valeur');
    expect(lignes).toHaveLength(json.colonnes.length + 1);
    const champs = (ligne: string) => {
      // csv-stringify quotes a field holding the delimiter or a quote: the labels hold neither.
      const f = ligne.split(';');
      expect(f).toHaveLength(5);
      return f;
    };
    lignes.slice(1).forEach((ligne, i) => {
      const [annee, colonne, libelle, unite, valeur] = champs(ligne);
      const c = json.colonnes[i];
      expect({ annee, colonne, libelle, unite }).toEqual({ annee: '2025', colonne: c.colonne, libelle: c.libelle, unite: c.unite });
      expect(valeur).toMatch(/^-?\d+(,\d+)?$/);
      expect(Number(valeur.replace(',', '.'))).toBe(c.valeur);
    });
    const heures = lignes.find((l) => l.startsWith('2025;heures_insertion;'))!;
    expect(champs(heures)[4]).toBe(String(json.colonnes.find((c) => c.colonne === 'heures_insertion')!.valeur).replace('.', ','));
  });

  it.each(['1999', '2101', '25', '20250', '2025.0', '2025 ', 'abcd', '-2025', '+2025'])('answers 400 ANNEE_INVALIDE for the year %j', async (annee) => {
    const res = await api.get(`/exports/consolidation/${encodeURIComponent(annee)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expect.objectContaining({ code: 'ANNEE_INVALIDE', message: expect.any(String) }));
  });

  it('refuses an unknown query parameter and a bad apres with 400', async () => {
    expect((await api.get('/exports/consolidation/2025?apres=-1')).status).toBe(400);
    expect((await api.get('/exports/consolidation/2025?donneurOrdreId=x')).status).toBe(400);
  });
});

import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { allProjections, rebuildProjection } from '@suivi/projections';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';
import { startApp, waitFor } from './support/processes';
import { attendreLecture, construireScenario, type Registre } from './support/scenario-indicateurs';

/**
 * `projections:rebuild` while the service serves: reads keep answering the complete figures
 * from the live generation until the rebuilt one replaces it, and `fraicheur.position` never
 * goes back (the issue: total hours fell to 0 and climbed back during a rebuild).
 */
const INDICATEURS = '/indicateurs?annee=2025';
const COORDINATION = '/coordination-regionale/indicateurs?annee=2025&date=2025-12-31';

interface Lecture {
  chemin: string;
  status: number;
  position: number;
  chiffres: Record<string, unknown>;
  /** Whether the read started before the rebuild ended. */
  pendant: boolean;
}

describe('reconstruction pendant le service', () => {
  let api: TestApi;
  let r: Registre;
  let sql: Client;
  let store: EventStore;
  let dataSource: DataSource;
  const options = { batchSize: 10 };

  beforeAll(async () => {
    api = await startTestApi('rebuild_serving');
    r = await construireScenario(api);
    await attendreLecture(api, INDICATEURS, r.dernierePosition);
    await attendreLecture(api, COORDINATION, r.dernierePosition);
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    store = api.app.get<EventStore>(EVENT_STORE);
    dataSource = api.app.get(DataSource);
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const lire = async (chemin: string, pendant = false): Promise<Lecture> => {
    const res = await api.get(chemin);
    const { fraicheur, ...chiffres } = res.body;
    return { chemin, status: res.status, position: fraicheur?.position, chiffres, pendant };
  };
  const generations = async () =>
    new Map<string, number>((await sql.query(`SELECT name, generation FROM projections.checkpoints`)).rows.map((c) => [c.name, c.generation]));

  /** Reads `chemins` in `parallele` loops each, until `fin` resolves (and at least once after). */
  const lireEnBoucle = async (chemins: string[], parallele: number, fin: Promise<unknown>): Promise<Lecture[][]> => {
    let termine = false;
    void fin.finally(() => (termine = true)).catch(() => undefined);
    return Promise.all(
      chemins.flatMap((chemin) =>
        Array.from({ length: parallele }, async () => {
          const lues: Lecture[] = [];
          do {
            lues.push(await lire(chemin, !termine));
          } while (!termine);
          lues.push(await lire(chemin));
          return lues;
        }),
      ),
    );
  };

  /** Within one loop, positions are those of successive reads: they never decrease. */
  const positionsCroissantes = (lues: Lecture[]) => {
    for (let i = 1; i < lues.length; i++) {
      expect({ chemin: lues[i].chemin, i, position: lues[i].position }).toEqual({
        chemin: lues[i].chemin,
        i,
        position: Math.max(lues[i].position, lues[i - 1].position),
      });
    }
  };

  it('chaque lecture pendant la reconstruction de toutes les projections rend les chiffres complets', async () => {
    const references = new Map([
      [INDICATEURS, await lire(INDICATEURS)],
      [COORDINATION, await lire(COORDINATION)],
    ]);
    expect((references.get(INDICATEURS)!.chiffres as { heuresRealisees: number }).heuresRealisees).toBeGreaterThan(0);
    expect((references.get(COORDINATION)!.chiffres as { heuresRealisees: number }).heuresRealisees).toBeGreaterThan(0);
    const avant = await generations();

    // Every projection, one after the other (as `projections:rebuild NAME` does for each; its one-pass rebuild of all is tested below and in rebuild-all.spec).
    const reconstruction = (async () => {
      for (const projection of allProjections()) await rebuildProjection(projection, store, dataSource, api.db.url, options);
    })();
    const boucles = await lireEnBoucle([INDICATEURS, COORDINATION], 2, reconstruction);
    await reconstruction;

    const apres = await generations();
    for (const p of allProjections()) expect({ p: p.name, generation: apres.get(p.name) }).toEqual({ p: p.name, generation: avant.get(p.name)! + 1 });
    for (const lues of boucles) {
      expect(lues.filter((l) => l.pendant).length).toBeGreaterThan(5);
      positionsCroissantes(lues);
      const reference = references.get(lues[0].chemin)!;
      for (const [i, lue] of lues.entries()) {
        // No write meanwhile: the old and the new generation give the same figures, and nothing else is acceptable.
        expect({ chemin: lue.chemin, i, status: lue.status, chiffres: lue.chiffres }).toEqual({
          chemin: lue.chemin,
          i,
          status: 200,
          chiffres: reference.chiffres,
        });
        expect(lue.position).toBeGreaterThanOrEqual(reference.position);
      }
    }
  }, 120_000);

  it('la commande projections:rebuild, dans un autre processus, ne fait pas non plus baisser les chiffres', async () => {
    const references = new Map([
      [INDICATEURS, await lire(INDICATEURS)],
      [COORDINATION, await lire(COORDINATION)],
    ]);
    const avant = await generations();
    const cli = startApp('cli', ['projections:rebuild'], { DATABASE_URL: api.db.url, PROJECTION_BATCH_SIZE: '10', LOG_LEVEL: 'warn' });
    const boucles = await lireEnBoucle([INDICATEURS, COORDINATION], 1, cli.exited);
    expect({ exit: (await cli.exited).code, output: cli.output() }).toEqual({ exit: 0, output: expect.stringContaining('switched to the new generation') });

    const apres = await generations();
    for (const p of allProjections()) expect({ p: p.name, generation: apres.get(p.name) }).toEqual({ p: p.name, generation: avant.get(p.name)! + 1 });
    for (const lues of boucles) {
      expect(lues.filter((l) => l.pendant).length).toBeGreaterThan(5);
      positionsCroissantes(lues);
      const reference = references.get(lues[0].chemin)!;
      for (const [i, lue] of lues.entries()) {
        expect({ chemin: lue.chemin, i, status: lue.status, chiffres: lue.chiffres }).toEqual({ chemin: lue.chemin, i, status: 200, chiffres: reference.chiffres });
      }
    }
  }, 120_000);

  it('une reconstruction tuée (SIGKILL) en cours de route : les lectures restent complètes, la suivante repart de zéro et aboutit', async () => {
    const references = new Map([
      [INDICATEURS, await lire(INDICATEURS)],
      [COORDINATION, await lire(COORDINATION)],
    ]);
    const avant = await generations();
    const head = Number((await sql.query(`SELECT max(position) AS p FROM event_store.events`)).rows[0].p);
    const copies = async () =>
      (await sql.query<{ name: string; position: string }>(`SELECT name, position FROM projections.checkpoints WHERE name LIKE '%:rebuild'`)).rows.map((c) => ({
        name: c.name,
        position: Number(c.position),
      }));
    const schemasDeCopie = async () => (await sql.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_rebuild' ORDER BY 1`)).rows.map((r) => r.nspname);

    // Killed once its copies are part-filled, whatever the moment within a batch.
    const tuee = startApp('cli', ['projections:rebuild'], { DATABASE_URL: api.db.url, PROJECTION_BATCH_SIZE: '10', LOG_LEVEL: 'warn' });
    const tueeA = (async () => {
      const enCours = await waitFor(async () => {
        const c = await copies();
        return c.some((x) => x.position > 0 && x.position < head) && c;
      }, 'the rebuild to be half-way', 60_000, 5);
      tuee.child.kill('SIGKILL');
      await tuee.exited;
      return enCours;
    })();
    const pendantLaPanne = await lireEnBoucle([INDICATEURS, COORDINATION], 1, tueeA);
    const enCours = await tueeA;
    // The live generations never moved (the copies' own rows are left behind, unfinished).
    const vivantes = (g: Map<string, number>) => new Map([...g].filter(([name]) => !name.endsWith(':rebuild')));
    expect(vivantes(await generations())).toEqual(vivantes(avant));
    expect(enCours.every((c) => c.position < head)).toBe(true);
    expect((await schemasDeCopie()).length).toBeGreaterThan(0);

    // The next rebuild drops them and starts again from zero; reads stay complete throughout.
    const suivante = startApp('cli', ['projections:rebuild'], { DATABASE_URL: api.db.url, PROJECTION_BATCH_SIZE: '10', LOG_LEVEL: 'warn' });
    const pendantLaReprise = await lireEnBoucle([INDICATEURS, COORDINATION], 1, suivante.exited);
    expect({ exit: (await suivante.exited).code, output: suivante.output() }).toEqual({ exit: 0, output: expect.stringContaining('switched to the new generation') });
    const apres = await generations();
    for (const p of allProjections()) expect({ p: p.name, generation: apres.get(p.name) }).toEqual({ p: p.name, generation: avant.get(p.name)! + 1 });
    expect(await schemasDeCopie()).toEqual([]);
    for (const lues of [...pendantLaPanne, ...pendantLaReprise]) {
      positionsCroissantes(lues);
      const reference = references.get(lues[0].chemin)!;
      for (const [i, lue] of lues.entries()) {
        expect({ chemin: lue.chemin, i, status: lue.status, chiffres: lue.chiffres }).toEqual({ chemin: lue.chemin, i, status: 200, chiffres: reference.chiffres });
      }
    }
  }, 120_000);

  it('avec des écritures pendant la reconstruction : les heures ne baissent jamais, ?apres= rend chaque écriture', async () => {
    // A marché followed by the coordination, and a person placed on it: each month declared adds hours to both views.
    const marche = await marcheAttribue(api);
    await api.put(`/marches/${marche.marcheId}/suivi-regional`, { suivi: true }).expect(200);
    const placementId = await placement(api, await salarieEligible(api), marche);
    const tete = await store.headPosition();
    await attendreLecture(api, INDICATEURS, tete);
    await attendreLecture(api, COORDINATION, tete);
    const heures = async (chemin: string, apres?: number) => {
      const lue = await lire(apres === undefined ? chemin : `${chemin}&apres=${apres}`);
      return { ...lue, heures: (lue.chiffres as { heuresRealisees: number }).heuresRealisees };
    };
    const depart: Record<string, { heures: number }> = { [INDICATEURS]: await heures(INDICATEURS), [COORDINATION]: await heures(COORDINATION) };

    const mois = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
    const HEURES = 35;
    const ecrites: Array<{ status: number; heures: Record<string, number> }> = [];
    const reconstruction = (async () => {
      for (const name of ['indicateurs', 'coordination-regionale']) {
        await rebuildProjection(allProjections().find((p) => p.name === name)!, store, dataSource, api.db.url, options);
      }
    })();
    const ecritures = (async () => {
      for (const [n, m] of mois.entries()) {
        const res = await api.post(`/placements/${placementId}/heures`, { mois: m, heures: HEURES });
        expect(res.status).toBe(201);
        // Read your write, across the switch: the figures include it.
        const [i, c] = await Promise.all([heures(INDICATEURS, res.body.position), heures(COORDINATION, res.body.position)]);
        ecrites.push({ status: Math.max(i.status, c.status), heures: { [INDICATEURS]: i.heures, [COORDINATION]: c.heures } });
        expect({ n, status: i.status, position: i.position >= res.body.position }).toEqual({ n, status: 200, position: true });
        expect({ n, status: c.status, position: c.position >= res.body.position }).toEqual({ n, status: 200, position: true });
        for (const chemin of [INDICATEURS, COORDINATION]) {
          expect(ecrites[n].heures[chemin]).toBeGreaterThanOrEqual(depart[chemin].heures + (n + 1) * HEURES - 0.001);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const fin = Promise.all([reconstruction, ecritures]);
    const boucles = await lireEnBoucle([INDICATEURS, COORDINATION], 2, fin);
    await fin;

    expect(ecrites).toHaveLength(12);
    for (const lues of boucles) {
      expect(lues.filter((l) => l.pendant).length).toBeGreaterThan(5);
      positionsCroissantes(lues);
      const chemin = lues[0].chemin;
      let precedentes = depart[chemin].heures;
      for (const [i, lue] of lues.entries()) {
        const h = (lue.chiffres as { heuresRealisees: number }).heuresRealisees;
        // Hours are only added: a read answering fewer than the one before it saw a partial projection.
        expect({ chemin, i, status: lue.status, baisse: h < precedentes }).toEqual({ chemin, i, status: 200, baisse: false });
        precedentes = h;
      }
    }
    const finales: Record<string, { heures: number }> = { [INDICATEURS]: await heures(INDICATEURS), [COORDINATION]: await heures(COORDINATION) };
    for (const chemin of [INDICATEURS, COORDINATION]) expect(finales[chemin].heures).toBeCloseTo(depart[chemin].heures + 12 * HEURES, 2);
  }, 120_000);
});

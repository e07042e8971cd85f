import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { allProjections, PROJECTIONS, rebuildProjection, type Projection } from '@suivi/projections';
import { startTestApi, type TestApi } from './support/api-app';
import { attendreLecture, construireScenario, type Registre } from './support/scenario-indicateurs';

/**
 * Rebuilding a projection from zero gives back, row for row, what the live projectors built
 * while the scenario was written; and rebuilding the coordination's projection alone leaves the
 * indicators untouched (same figures at every read, same checkpoint generation).
 * `projections` holds the runtime's checkpoints; each projection has its own schema.
 */
const SCHEMAS = ['projections', 'indicateurs', 'coordination', 'stream_type_counts', 'annuaire'];
/** The checkpoints say where each projection is and how many times it was reset: compared on (name, position) only. */
const CHECKPOINTS = 'projections.checkpoints';

type Dump = Record<string, string[]>;

describe('reconstruction des projections', () => {
  let api: TestApi;
  let r: Registre;
  let sql: Client;
  let store: EventStore;
  let dataSource: DataSource;
  const options = { batchSize: 7, standbyRetryMs: 100, log: () => {} };

  beforeAll(async () => {
    api = await startTestApi('rebuild');
    r = await construireScenario(api);
    await attendreLecture(api, '/indicateurs', r.dernierePosition);
    await attendreLecture(api, '/coordination-regionale/marches', r.dernierePosition);
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    store = api.app.get<EventStore>(EVENT_STORE);
    dataSource = api.app.get(DataSource);
    await tousAJour();
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  const checkpoints = async () =>
    new Map(
      (await sql.query(`SELECT name, position::bigint AS position, generation FROM ${CHECKPOINTS}`)).rows.map((c) => [
        c.name as string,
        { position: Number(c.position), generation: Number(c.generation) },
      ]),
    );

  /** Waits until every projection has applied the head of the log. */
  const tousAJour = async () => {
    const tete = await store.headPosition();
    const fin = Date.now() + 20_000;
    for (;;) {
      const c = await checkpoints();
      if (allProjections().every((p) => (c.get(p.name)?.position ?? 0) >= tete)) return;
      if (Date.now() > fin) throw new Error(`projections behind ${tete}: ${JSON.stringify([...c])}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** Every row of every table of the projections' schemas, ordered by every column. */
  const dump = async (schemas = SCHEMAS): Promise<Dump> => {
    const { rows: tables } = await sql.query(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
      [schemas],
    );
    const out: Dump = {};
    for (const { table_schema, table_name } of tables) {
      const nom = `${table_schema}.${table_name}`;
      const { rows: colonnes } = await sql.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [table_schema, table_name],
      );
      let cols = colonnes.map((c) => `"${c.column_name}"`);
      if (nom === CHECKPOINTS) cols = ['"name"', '"position"'];
      const { rows } = await sql.query(`SELECT ${cols.join(', ')} FROM "${table_schema}"."${table_name}" ORDER BY ${cols.join(', ')}`);
      out[nom] = rows.map((row) => JSON.stringify(row));
    }
    return out;
  };

  const indicateurs = async () => {
    const res = await api.get(`/indicateurs?annee=2025&apres=${r.dernierePosition}`);
    const { fraicheur, ...chiffres } = res.body;
    return { status: res.status, chiffres, fraicheur };
  };

  it('chaque projection reconstruite depuis zéro redonne les mêmes lignes', async () => {
    const avant = await dump();
    // Every table of both schemas is there, and the scenario filled them.
    for (const table of [
      'indicateurs.donneurs_ordre',
      'indicateurs.operations',
      'indicateurs.marches',
      'indicateurs.entreprises',
      'indicateurs.salaries',
      'annuaire.salaries',
      'indicateurs.eligibilites',
      'indicateurs.placements',
      'indicateurs.declarations',
      'indicateurs.objectifs',
      'stream_type_counts.stream_type_counts',
      'coordination.donneurs_ordre',
      'coordination.marches',
      'coordination.heures',
    ]) {
      expect({ table, vide: (avant[table] ?? []).length === 0 }).toEqual({ table, vide: false });
    }
    expect(avant['indicateurs.declarations']).toHaveLength(r.declarations.length);
    expect(avant['indicateurs.placements']).toHaveLength(r.placements.length);
    expect(avant['coordination.marches']).toHaveLength(r.marches.length);
    const generations = await checkpoints();
    const index = async () =>
      (await sql.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ANY($1) ORDER BY 1, 2`, [SCHEMAS])).rows;
    const indexAvant = await index();

    // The api's own projections: the annuaire decrypts the names with the master key, as the CLI's rebuild does.
    const projections: Projection[] = api.app.get<Projection[]>(PROJECTIONS);
    expect(projections.map((p) => p.name).sort()).toEqual(['annuaire', 'coordination-regionale', 'indicateurs', 'journal-audit', 'stream-type-counts', 'utilisateurs']);
    for (const projection of projections) {
      const resultat = await rebuildProjection(projection, store, dataSource, api.db.url, options);
      expect(resultat.events).toBeGreaterThanOrEqual(r.dernierePosition);
    }
    await tousAJour();
    const apres = await dump();
    // Neither a shadow nor a previous generation is left behind.
    const { rows: restes } = await sql.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_rebuild' OR nspname LIKE '%\\_old'`);
    expect(restes).toEqual([]);
    // The new generations have the tables and the indexes the migrations made, under the same names.
    expect(await index()).toEqual(indexAvant);
    expect(Object.keys(apres)).toEqual(Object.keys(avant));
    for (const table of Object.keys(avant)) expect({ table, lignes: apres[table] }).toEqual({ table, lignes: avant[table] });
    const nouvelles = await checkpoints();
    for (const p of projections) expect({ p: p.name, generation: nouvelles.get(p.name)!.generation }).toEqual({ p: p.name, generation: generations.get(p.name)!.generation + 1 });
  });

  it('reconstruire coordination-regionale seule ne dérange pas les lectures des indicateurs', async () => {
    const coordinationAvant = await dump(['coordination']);
    const reference = await indicateurs();
    expect(reference.status).toBe(200);
    expect(reference.chiffres.heuresRealisees).toBeGreaterThan(0);
    const generationsAvant = await checkpoints();

    const coordination = allProjections().find((p) => p.name === 'coordination-regionale')!;
    let termine = false;
    const reconstruction = rebuildProjection(coordination, store, dataSource, api.db.url, options).finally(() => {
      termine = true;
    });
    const lectures: Array<Awaited<ReturnType<typeof indicateurs>>> = [];
    let pendant = 0;
    while (!termine || lectures.length < 5) {
      if (!termine) pendant++;
      lectures.push(await indicateurs());
    }
    await reconstruction;
    expect(pendant).toBeGreaterThan(0);

    for (const [i, lue] of lectures.entries()) {
      expect({ i, status: lue.status, retard: lue.fraicheur?.retard }).toEqual({ i, status: 200, retard: 0 });
      expect(lue.chiffres).toEqual(reference.chiffres);
    }
    const generationsApres = await checkpoints();
    expect(generationsApres.get('indicateurs')).toEqual(generationsAvant.get('indicateurs'));
    expect(generationsApres.get('stream-type-counts')).toEqual(generationsAvant.get('stream-type-counts'));
    expect(generationsApres.get('coordination-regionale')!.generation).toBe(generationsAvant.get('coordination-regionale')!.generation + 1);
    await tousAJour();
    expect(await dump(['coordination'])).toEqual(coordinationAvant);
    // And the coordination reads again what it read before.
    const suivis = await api.get(`/coordination-regionale/marches?date=2025-12-31&apres=${r.dernierePosition}`).expect(200);
    expect(suivis.body.items.map((i: any) => i.id).sort()).toEqual(r.marches.filter((m) => m.suivi).map((m) => m.id).sort());
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CommandExecutor, declarationIdDe } from '@suivi/commands';
import { validateConfig } from '@suivi/config';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PersonalDataProtection, PersonalKeys } from '@suivi/personal-data';
import { CliModule } from '../apps/cli/src/cli.module';
import { seedPeople, seedReferentiel, type BenchPerson } from '../apps/cli/src/bench/bench-people';
import { ApiUnderTest, createUser, faultEnvironment, faultSeed, runCli, seededRandom, signIn, waitForProjections, type FaultEnvironment } from './support/fault-processes';
import { startApp, waitFor, type RunningProcess } from './support/processes';
import { createMigratedTestDatabase } from './support/test-database';

/**
 * Issue 19, "crash during an import commit", with real processes on a real PostgreSQL.
 *
 * What the product promises (README, "The month's timesheets from spreadsheets"; libs/imports
 * `ImportsHeures`): a file is checked whole before anything is recorded, then recorded one append
 * per person (the person's declarations together; their locators just before, idempotent); once
 * recording has started the import is decided, and "a service stopped while recording finishes the
 * import at its next start" (the api's bootstrap, `reprendre`); importing the file again records
 * nothing twice. So a kill mid-commit may leave the file recorded for some people and not others,
 * but never one person's rows in part, never a declaration without its locator; the api's next
 * start records the rest, exactly once, and a re-import records nothing.
 *
 * test/import-heures-reprise.e2e-spec.ts already covers `reprendre` at the library level, on job
 * states staged by hand (decided, half-recorded, before the decision, lock held elsewhere, a stale
 * listing, two imports at once). This file adds the real fault: SIGKILL of the process recording.
 *  - a. the `import:heures` CLI killed mid-commit; the api's start resumes the job and is itself
 *       killed during the resumption (when the poll catches it there), the next start finishes it;
 *       a re-import by the CLI records nothing;
 *  - b. the api killed mid-commit of an import it received over HTTP; its own restart finishes
 *       it; the same file posted again records nothing;
 *  - c. the CLI killed mid-commit with no api running, the file imported again at once (the
 *       killed job still decided, unfinished), then the api's start finishes the orphan: every
 *       row once, each job's counters right;
 *  - d. then the log's hash chain is intact, every projection equals a replay, and the indicators
 *       hold the three files' hours once.
 * The kill points (people recorded, 10 to 60 %) come from a seed: FAULT_SEED=<n> replays them.
 */
const MARCHES = 4;
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
/** People per file: 12 rows each, one append each (enough appends that a kill lands between two). */
const PERSONNES = 200;
const FACILITATRICE = 'facilitatrice-imports';

interface Job {
  id: string;
  etat: string;
  declarations: number;
  corrections: number;
  inchangees: number;
  erreurs_total: number;
  termine_le: Date | null;
}

describe('fault: SIGKILL in the middle of an import commit', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;
  let f: FaultEnvironment;
  let api: ApiUnderTest;
  let dossier: string;
  const fichiers: Array<{ chemin: string; personnes: BenchPerson[]; heures: Map<string, number> }> = [];
  const summary: string[] = [];
  /** CLI children started in the background: killed by afterAll should an assertion fail first. */
  const clis: RunningProcess[] = [];
  const seed = faultSeed();
  const random = seededRandom(seed);
  /** How far into the commit each kill lands: people recorded, drawn from the seed (10 to 60 %). */
  const seuils = [0, 1, 2].map(() => Math.floor(PERSONNES * (0.1 + 0.5 * random())));

  const count = async (where = 'true', params: unknown[] = []) => Number((await sql.query(`SELECT count(*) AS n FROM event_store.events WHERE ${where}`, params)).rows[0].n);
  const head = async () => Number((await sql.query(`SELECT coalesce(max(position), 0) AS p FROM event_store.events`)).rows[0].p);
  const jobs = async (): Promise<Job[]> =>
    (await sql.query(`SELECT id, etat, declarations, corrections, inchangees, erreurs_total, termine_le FROM imports.travaux ORDER BY cree_le`)).rows;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('fault_import');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    f = await faultEnvironment(db.url);
    dossier = mkdtempSync(join(tmpdir(), 'suivi-fault-import-'));

    // The people, through the real deciders and the CommandExecutor (as bench:import does), names
    // encrypted with this run's master key, the one every child gets.
    const config = validateConfig({ DATABASE_URL: db.url, EVENT_STORE: 'postgres', PERSONAL_DATA_KEY: f.env.PERSONAL_DATA_KEY, DATA_DIR: f.dataDir, LOG_LEVEL: 'warn' });
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    try {
      const executor = new CommandExecutor(
        app.get<EventStore>(EVENT_STORE),
        new PersonalDataProtection(new PersonalKeys(app.get(DataSource), Buffer.from(f.env.PERSONAL_DATA_KEY, 'base64'))),
      );
      const marches = await seedReferentiel(executor, {
        marches: MARCHES,
        entreprises: 2,
        concurrency: 4,
        userId: 'fault-import',
        siretFrom: 616_161_000,
        raisonSociale: (e) => `Charpentes ${e}`,
        numero: (m) => `2025-IMPORT-${m}`,
      });
      const identity = (i: number) => ({ nom: `Nom${i}`, prenom: `Prénom${i}`, dateNaissance: '1988-03-04', quartierQpv: null });
      for (const [k, nom] of ['cli', 'api', 'orphelin'].entries()) {
        const personnes = await seedPeople(executor, marches, PERSONNES, { concurrency: 8, userId: 'fault-import', identity: (i) => identity(k * PERSONNES + i) });
        const heures = new Map<string, number>();
        const lignes = ['placement;mois;heures'];
        for (const mois of MOIS) {
          for (const [i, p] of personnes.entries()) {
            const h = 7 + ((i * 13 + Number(mois.slice(5)) * 7 + k) % 140) + (i % 4) * 0.25;
            heures.set(declarationIdDe(p.placementId, mois), h);
            lignes.push(`${p.placementId};${mois.slice(5)}/${mois.slice(0, 4)};${String(h).replace('.', ',')}`);
          }
        }
        const chemin = join(dossier, `heures-${nom}.csv`);
        writeFileSync(chemin, `${lignes.join('\r\n')}\r\n`);
        fichiers.push({ chemin, personnes, heures });
      }
    } finally {
      await app.close();
    }
    await createUser(f.env, FACILITATRICE, 'facilitatrice');
    api = new ApiUnderTest(f);
  }, 240_000);

  afterAll(async () => {
    for (const cli of clis) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    if (summary.length > 0) console.log(summary.join('\n'));
    await api?.stop();
    await sql?.end();
    await db?.drop();
    f?.cleanup();
    if (dossier) rmSync(dossier, { recursive: true, force: true });
  });

  /** The state a kill left: per person all of the file's months or none; no declaration without its locator. */
  async function afterTheKill(personnes: BenchPerson[]) {
    const parPersonne = (
      await sql.query(
        `SELECT stream_id, count(*)::int AS n FROM event_store.events WHERE type = 'HeuresDeclarees' AND stream_id = ANY($1) GROUP BY 1`,
        [personnes.map((p) => `salarie-${p.salarieId}`)],
      )
    ).rows as Array<{ stream_id: string; n: number }>;
    const enPartie = parPersonne.filter((r) => r.n !== MOIS.length).length;
    const declarations = parPersonne.reduce((n, r) => n + r.n, 0);
    const sansLocalisateur = await count(
      `type = 'HeuresDeclarees' AND NOT EXISTS (SELECT 1 FROM event_store.events l WHERE l.stream_id = 'declaration-' || (events.data->>'declarationId'))`,
    );
    const localisateursSeuls = await count(
      `type = 'DeclarationRattachee' AND NOT EXISTS (SELECT 1 FROM event_store.events d WHERE d.type = 'HeuresDeclarees' AND d.data->>'declarationId' = events.data->>'declarationId')`,
    );
    return { personnesEnregistrees: parPersonne.length, enPartie, declarations, sansLocalisateur, localisateursSeuls };
  }

  /** The file in the log exactly once: one declaration per row with its hours, one locator each. */
  async function exactlyOnce(fichier: (typeof fichiers)[number]) {
    const ids = [...fichier.heures.keys()];
    const rows = (
      await sql.query(
        `SELECT data->>'declarationId' AS id, count(*)::int AS n, min((data->>'heures')::numeric)::float AS heures
         FROM event_store.events WHERE type = 'HeuresDeclarees' AND data->>'declarationId' = ANY($1) GROUP BY 1`,
        [ids],
      )
    ).rows as Array<{ id: string; n: number; heures: number }>;
    const locators = (
      await sql.query(`SELECT stream_id, count(*)::int AS n FROM event_store.events WHERE stream_id = ANY($1) GROUP BY 1`, [ids.map((id) => `declaration-${id}`)])
    ).rows as Array<{ n: number }>;
    return {
      declarations: rows.length,
      doublees: rows.filter((r) => r.n !== 1).length,
      heuresFausses: rows.filter((r) => r.heures !== fichier.heures.get(r.id)).length,
      localisateurs: locators.length,
      localisateursDoubles: locators.filter((r) => r.n !== 1).length,
      corrections: await count(`type = 'HeuresCorrigees' AND data->>'declarationId' = ANY($1)`, [ids]),
    };
  }

  const lignes = PERSONNES * MOIS.length;
  const attendu = { declarations: lignes, doublees: 0, heuresFausses: 0, localisateurs: lignes, localisateursDoubles: 0, corrections: 0 };

  it('a. the import:heures CLI killed mid-commit: the api resumes the job (killed once more while resuming it), then finishes it; a re-import records nothing', async () => {
    const fichier = fichiers[0];
    const avant = await count();
    const cli = startApp('cli', ['import:heures', fichier.chemin], f.env);
    clis.push(cli);
    let sorti = false;
    void cli.exited.then(() => (sorti = true));
    // Mid-commit: the job decided (recording) and some people's appends made, not all.
    const job = await waitFor(
      async () => {
        if (sorti) throw new Error(`the import ended before the kill:\n${cli.output().slice(-2000)}`);
        const [j] = await jobs();
        return j && j.etat === 'enregistrement' && j.termine_le === null && (await count(`type = 'HeuresDeclarees'`)) >= seuils[0] * MOIS.length ? j : undefined;
      },
      'the import to be recording',
      120_000,
      5,
    );
    cli.child.kill('SIGKILL');
    expect((await cli.exited).signal).toBe('SIGKILL');

    const laisse = await afterTheKill(fichier.personnes);
    expect(await jobs()).toEqual([expect.objectContaining({ id: job.id, etat: 'enregistrement', termine_le: null })]);
    // Mid-commit indeed, and per person all or nothing.
    expect(laisse.personnesEnregistrees).toBeGreaterThan(0);
    expect(laisse.personnesEnregistrees).toBeLessThan(PERSONNES);
    expect({ enPartie: laisse.enPartie, sansLocalisateur: laisse.sansLocalisateur }).toEqual({ enPartie: 0, sansLocalisateur: 0 });
    expect(laisse.declarations).toBe(laisse.personnesEnregistrees * MOIS.length);

    // The api's start finishes the decided job (its bootstrap resumes orphaned imports). Killed once
    // more in the middle of that resumption when the poll sees it there (a second crash), then started again.
    const duFichier = fichier.personnes.map((p) => `salarie-${p.salarieId}`);
    api.spawn();
    const reprise = await waitFor(
      async () => {
        const [j] = await jobs();
        if (j.termine_le !== null) return 'finie' as const;
        const n = await count(`type = 'HeuresDeclarees' AND stream_id = ANY($1)`, [duFichier]);
        return n >= laisse.declarations + 5 * MOIS.length ? n : undefined;
      },
      'the api to resume the import',
      180_000,
      5,
    );
    let pendantLaReprise: Awaited<ReturnType<typeof afterTheKill>> | null = null;
    if (reprise !== 'finie') {
      await api.kill();
      pendantLaReprise = await afterTheKill(fichier.personnes);
      expect((await jobs())[0]).toMatchObject({ id: job.id, etat: 'enregistrement', termine_le: null });
      expect({ enPartie: pendantLaReprise.enPartie, sansLocalisateur: pendantLaReprise.sansLocalisateur }).toEqual({ enPartie: 0, sansLocalisateur: 0 });
    }
    await api.start();
    const fini = await waitFor(
      async () => {
        const [j] = await jobs();
        return j.termine_le !== null ? j : undefined;
      },
      'the api to finish the import',
      180_000,
      100,
    );
    expect(fini).toMatchObject({ id: job.id, etat: 'enregistre', declarations: lignes, corrections: 0, inchangees: 0, erreurs_total: 0 });
    expect(await exactlyOnce(fichier)).toEqual(attendu);
    expect(await count(`type = 'DeclarationRattachee' AND NOT EXISTS (SELECT 1 FROM event_store.events d WHERE d.type = 'HeuresDeclarees' AND d.data->>'declarationId' = events.data->>'declarationId')`)).toBe(0);
    expect((await count()) - avant).toBe(2 * lignes);
    const apresReprise = await count();

    // The same file again, by the CLI: every row unchanged, nothing appended.
    const encore = await runCli(['import:heures', fichier.chemin], f.env, 240_000);
    expect(encore.code).toBe(0);
    const [, second] = await jobs();
    expect(second).toMatchObject({ etat: 'enregistre', declarations: 0, corrections: 0, inchangees: lignes, erreurs_total: 0 });
    expect(await count()).toBe(apresReprise);
    expect(await exactlyOnce(fichier)).toEqual(attendu);
    summary.push(
      `fault-crash-import (a, seed ${seed}): import:heures (${lignes} rows, ${PERSONNES} people) SIGKILLed mid-commit with ${laisse.personnesEnregistrees}/${PERSONNES} people recorded ` +
        `(${laisse.declarations} declarations, 0 people in part, ${laisse.localisateursSeuls} locators ahead of their declaration); ` +
        (pendantLaReprise
          ? `the api killed in turn while resuming it, at ${pendantLaReprise.personnesEnregistrees}/${PERSONNES} people (0 in part); its next start finished it: `
          : `(the resumption ended before the poll could kill it) the api's start finished it: `) +
        `${lignes} declarations once each, 0 duplicated; re-import: ${lignes} unchanged, 0 new events`,
    );
  }, 600_000);

  it('b. the api killed mid-commit of an HTTP import: its restart finishes the job, the same file posted again records nothing', async () => {
    const fichier = fichiers[1];
    if (!api.pid) await api.start();
    const jeton = await signIn(f.base, FACILITATRICE);
    const avant = await count();
    const deja = (await jobs()).length;
    const poster = async () => {
      const form = new FormData();
      form.append('fichier', new Blob([readFileSync(fichier.chemin)], { type: 'text/csv' }), 'heures-api.csv');
      return fetch(`${f.base}/api/imports/heures`, { method: 'POST', headers: { Authorization: `Bearer ${jeton}` }, body: form });
    };
    // Not awaited: the kill cuts it (or its 202 comes first); either way its job is in the table.
    const envoi = poster().then(
      (res) => res.status,
      () => 'cut' as const,
    );
    const job = await waitFor(
      async () => {
        const j = (await jobs())[deja];
        if (j?.termine_le) throw new Error('the import ended before the kill');
        const recorded = await count(`type = 'HeuresDeclarees' AND stream_id = ANY($1)`, [fichier.personnes.map((p) => `salarie-${p.salarieId}`)]);
        return j && j.etat === 'enregistrement' && recorded >= seuils[1] * MOIS.length ? j : undefined;
      },
      'the api to be recording the import',
      180_000,
      5,
    );
    await api.kill();
    const reponse = await envoi;

    const laisse = await afterTheKill(fichier.personnes);
    expect((await jobs())[deja]).toMatchObject({ id: job.id, etat: 'enregistrement', termine_le: null });
    expect(laisse.personnesEnregistrees).toBeGreaterThan(0);
    expect(laisse.personnesEnregistrees).toBeLessThan(PERSONNES);
    expect({ enPartie: laisse.enPartie, sansLocalisateur: laisse.sansLocalisateur }).toEqual({ enPartie: 0, sansLocalisateur: 0 });

    await api.start();
    const fini = await waitFor(
      async () => {
        const j = (await jobs())[deja];
        return j.termine_le !== null ? j : undefined;
      },
      'the restarted api to finish the import',
      180_000,
      100,
    );
    expect(fini).toMatchObject({ id: job.id, etat: 'enregistre', declarations: lignes, corrections: 0, inchangees: 0, erreurs_total: 0 });
    expect(await exactlyOnce(fichier)).toEqual(attendu);
    expect((await count()) - avant).toBe(2 * lignes);
    const apresReprise = await count();

    // Posted again: answered (200, or 202 then followed) with every row unchanged, nothing appended.
    const res = await poster();
    expect([200, 201, 202]).toContain(res.status);
    const second = await waitFor(
      async () => {
        const j = (await jobs())[deja + 1];
        return j?.termine_le ? j : undefined;
      },
      'the second import to end',
      180_000,
      100,
    );
    expect(second).toMatchObject({ etat: 'enregistre', declarations: 0, corrections: 0, inchangees: lignes, erreurs_total: 0 });
    expect(await count()).toBe(apresReprise);

    summary.push(
      `fault-crash-import (b, seed ${seed}): the api SIGKILLed mid-commit of an HTTP import (${lignes} rows; the upload answered ${reponse}) with ` +
        `${laisse.personnesEnregistrees}/${PERSONNES} people recorded, 0 in part; its restart finished it: ${lignes} declarations once each; ` +
        `posted again: ${lignes} unchanged, 0 new events`,
    );
  }, 600_000);

  it('c. the CLI killed mid-commit and the file imported again before any api start: each row recorded once, the orphan finished without recording twice', async () => {
    const fichier = fichiers[2];
    expect(await api.stop()).toBe(0);
    const avant = await count();
    const deja = (await jobs()).length;
    const cli = startApp('cli', ['import:heures', fichier.chemin], f.env);
    clis.push(cli);
    let sorti = false;
    void cli.exited.then(() => (sorti = true));
    const orphelin = await waitFor(
      async () => {
        if (sorti) throw new Error(`the import ended before the kill:\n${cli.output().slice(-2000)}`);
        const j = (await jobs())[deja];
        const recorded = await count(`type = 'HeuresDeclarees' AND stream_id = ANY($1)`, [fichier.personnes.map((p) => `salarie-${p.salarieId}`)]);
        return j && j.etat === 'enregistrement' && recorded >= seuils[2] * MOIS.length ? j : undefined;
      },
      'the import to be recording',
      120_000,
      5,
    );
    cli.child.kill('SIGKILL');
    await cli.exited;
    const laisse = await afterTheKill(fichier.personnes);
    expect(laisse.personnesEnregistrees).toBeGreaterThan(0);
    expect(laisse.personnesEnregistrees).toBeLessThan(PERSONNES);
    expect({ enPartie: laisse.enPartie, sansLocalisateur: laisse.sansLocalisateur }).toEqual({ enPartie: 0, sansLocalisateur: 0 });

    // The facilitatrice runs the import again at once; no api runs, so the killed job stays decided, unfinished.
    const encore = await runCli(['import:heures', fichier.chemin], f.env, 240_000);
    expect(encore.code).toBe(0);
    expect((await jobs())[deja]).toMatchObject({ id: orphelin.id, etat: 'enregistrement', termine_le: null });
    expect((await jobs())[deja + 1]).toMatchObject({
      etat: 'enregistre',
      declarations: lignes - laisse.declarations,
      corrections: 0,
      inchangees: laisse.declarations,
      erreurs_total: 0,
    });
    expect(await exactlyOnce(fichier)).toEqual(attendu);
    const apresReimport = await count();
    expect(apresReimport - avant).toBe(2 * lignes);

    // The api's start finishes the orphan: what it recorded is found (still counted), the rest is already there.
    await api.start();
    const fini = await waitFor(
      async () => {
        const j = (await jobs())[deja];
        return j.termine_le !== null ? j : undefined;
      },
      'the api to finish the orphaned import',
      180_000,
      100,
    );
    expect(fini).toMatchObject({ id: orphelin.id, etat: 'enregistre', declarations: laisse.declarations, corrections: 0, inchangees: lignes - laisse.declarations, erreurs_total: 0 });
    expect(await count()).toBe(apresReimport);
    expect(await exactlyOnce(fichier)).toEqual(attendu);
    summary.push(
      `fault-crash-import (c, seed ${seed}): import:heures SIGKILLed mid-commit with ${laisse.personnesEnregistrees}/${PERSONNES} people recorded, ` +
        `the file imported again at once (${lignes - laisse.declarations} recorded, ${laisse.declarations} unchanged), then the api's start finished ` +
        `the orphaned job (${laisse.declarations} found, ${lignes - laisse.declarations} unchanged, 0 new events): ${lignes} declarations once each`,
    );
  }, 600_000);

  it('d. afterwards: the hash chain is intact, every projection equals a replay, the indicators hold the files once', async () => {
    if (!api.pid) await api.start();
    const jeton = await signIn(f.base, FACILITATRICE);
    // Every projection (killed with the api too) catches up, then equals a replay; the chain holds.
    await waitForProjections(f.base, head);
    const indicateurs = await fetch(`${f.base}/api/indicateurs?annee=2025`, { headers: { Authorization: `Bearer ${jeton}` } });
    const total = fichiers.flatMap((x) => [...x.heures.values()]).reduce((a, b) => a + b, 0);
    expect(((await indicateurs.json()) as { heuresRealisees: number }).heuresRealisees).toBeCloseTo(total, 2);
    expect(await api.stop()).toBe(0);
    const chain = await runCli(['audit:chain'], f.env);
    expect(chain.output).toMatch(/chaîne intacte/);
    expect(chain.code).toBe(0);
    const verify = await runCli(['audit:verify'], f.env, 240_000);
    if (verify.code !== 0) console.log(verify.output.slice(-6000));
    expect(verify.code).toBe(0);
    summary.push(`fault-crash-import (d): ${await count()} events, audit:chain intact, audit:verify identical, indicators = the 3 files' ${total} h`);
  }, 600_000);
});

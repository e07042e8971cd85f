import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CommandExecutor } from '@suivi/commands';
import { validateConfig } from '@suivi/config';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { PersonalDataProtection, PersonalKeys } from '@suivi/personal-data';
import { CliModule } from '../apps/cli/src/cli.module';
import { seedPeople, seedReferentiel } from '../apps/cli/src/bench/bench-people';
import { ApiUnderTest, createUser, faultEnvironment, faultSeed, jsonHeaders, runCli, seededRandom, signIn, sleep, waitForProjections, type FaultEnvironment } from './support/fault-processes';
import { startApp, waitFor, type RunningProcess } from './support/processes';
import { createMigratedTestDatabase } from './support/test-database';

/**
 * Issue 19, "crash during a rebuild" of the blue/green kind, with real processes: the api (its
 * projectors in process) serves the indicators of a log of some 12,000 events (people seeded
 * through the deciders, their year of hours imported by `import:heures`) while
 * `projections:rebuild indicateurs` replays it into the shadow schema; the rebuild is SIGKILLed
 * at a seeded point of its replay (20 to 70 %), then run again to its end and its switch.
 *
 * Checked: every read of `/api/indicateurs?annee=2025` during all of it answers 200 with the
 * complete figures (identical to those before the rebuild) and a `fraicheur.position` that never
 * goes back; the kill leaves the live generation untouched (its checkpoint at the head, the shadow
 * schema left behind); the next rebuild drops the leftovers, switches, and leaves no shadow; the
 * read model then equals a replay (`audit:verify`).
 * (test/projector-crash.e2e-spec.ts kills a rebuild of stream-type-counts with no reader;
 * test/projections-rebuild-serving.e2e-spec.ts reads during rebuilds that are not killed.)
 */
const PERSONNES = 400;
const MOIS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
const FACILITATRICE = 'facilitatrice-reconstruction';

describe('fault: SIGKILL of a blue/green rebuild while the api serves the indicators', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;
  let f: FaultEnvironment;
  let api: ApiUnderTest;
  let dossier: string;
  const seed = faultSeed();
  const random = seededRandom(seed);
  /** The background reader and the rebuild child: ended by afterAll too, should an assertion fail first. */
  let lisant = false;
  let rebuild: RunningProcess | undefined;

  const head = async () => Number((await sql.query(`SELECT coalesce(max(position), 0) AS p FROM event_store.events`)).rows[0].p);
  const checkpoint = async (name: string) =>
    Number((await sql.query(`SELECT position FROM projections.checkpoints WHERE name = $1`, [name])).rows[0]?.position ?? -1);
  const shadowLeft = async () => (await sql.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'indicateurs_rebuild'`)).rows.length > 0;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('fault_rebuild');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    // Small batches: the replay takes long enough for a kill to land in it.
    f = await faultEnvironment(db.url, { PROJECTION_BATCH_SIZE: '20' });
    dossier = mkdtempSync(join(tmpdir(), 'suivi-fault-rebuild-'));
    const config = validateConfig({ DATABASE_URL: db.url, EVENT_STORE: 'postgres', PERSONAL_DATA_KEY: f.env.PERSONAL_DATA_KEY, DATA_DIR: f.dataDir, LOG_LEVEL: 'warn' });
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: ['error', 'warn'] });
    const lignes = ['placement;mois;heures'];
    try {
      const executor = new CommandExecutor(
        app.get<EventStore>(EVENT_STORE),
        new PersonalDataProtection(new PersonalKeys(app.get(DataSource), Buffer.from(f.env.PERSONAL_DATA_KEY, 'base64'))),
      );
      const marches = await seedReferentiel(executor, {
        marches: 6,
        entreprises: 3,
        concurrency: 4,
        userId: 'fault-rebuild',
        siretFrom: 525_252_000,
        raisonSociale: (e) => `Menuiseries ${e}`,
        numero: (m) => `2025-REBUILD-${m}`,
      });
      const personnes = await seedPeople(executor, marches, PERSONNES, {
        concurrency: 8,
        userId: 'fault-rebuild',
        identity: (i) => ({ nom: `Nom${i}`, prenom: `Prénom${i}`, dateNaissance: '1979-11-12', quartierQpv: i % 3 === 0 ? 'QP021001' : null }),
      });
      for (const mois of MOIS) {
        for (const [i, p] of personnes.entries()) lignes.push(`${p.placementId};${mois.slice(5)}/${mois.slice(0, 4)};${7 + ((i * 11 + Number(mois.slice(5))) % 150)},5`);
      }
    } finally {
      await app.close();
    }
    const fichier = join(dossier, 'heures.csv');
    writeFileSync(fichier, `${lignes.join('\r\n')}\r\n`);
    const imported = await runCli(['import:heures', fichier], f.env, 240_000);
    if (imported.code !== 0) throw new Error(`import:heures exited with ${imported.code}\n${imported.output.slice(-3000)}`);
    await createUser(f.env, FACILITATRICE, 'facilitatrice');
    api = new ApiUnderTest(f);
    await api.start();
    await waitForProjections(f.base, head, 180_000);
  }, 300_000);

  afterAll(async () => {
    lisant = false;
    if (rebuild && rebuild.child.exitCode === null && rebuild.child.signalCode === null) rebuild.child.kill('SIGKILL');
    await api?.stop();
    await sql?.end();
    await db?.drop();
    f?.cleanup();
    if (dossier) rmSync(dossier, { recursive: true, force: true });
  });

  it('the live figures answer whole throughout; the killed rebuild leaves them untouched; the next one switches cleanly', async () => {
    const started = Date.now();
    const jeton = await signIn(f.base, FACILITATRICE);
    const lire = async () => {
      const res = await fetch(`${f.base}/api/indicateurs?annee=2025`, { headers: jsonHeaders(jeton), signal: AbortSignal.timeout(30_000) });
      const body = (await res.json()) as Record<string, unknown> & { fraicheur: { position: number } };
      const { fraicheur, ...chiffres } = body;
      return { status: res.status, position: fraicheur?.position ?? -1, chiffres: JSON.stringify(chiffres) };
    };
    const reference = await lire();
    expect(reference.status).toBe(200);
    expect(JSON.parse(reference.chiffres).heuresRealisees).toBeGreaterThan(0);
    const events = await head();

    // The reader, all along.
    const ecarts: string[] = [];
    let lectures = 0;
    let derniere = reference.position;
    lisant = true;
    const lecteur = (async () => {
      while (lisant) {
        const l = await lire().catch((error) => ({ status: -1, position: -1, chiffres: String(error) }));
        lectures++;
        if (l.status !== 200) ecarts.push(`status ${l.status}: ${l.chiffres.slice(0, 200)}`);
        else if (l.chiffres !== reference.chiffres) ecarts.push(`figures differ: ${l.chiffres.slice(0, 300)}`);
        if (l.position < derniere) ecarts.push(`fraicheur.position went back from ${derniere} to ${l.position}`);
        derniere = Math.max(derniere, l.position);
        await sleep(20);
      }
    })();

    // The rebuild, killed at a point of its replay drawn from the seed.
    const seuil = Math.floor(events * (0.2 + 0.5 * random()));
    rebuild = startApp('cli', ['projections:rebuild', 'indicateurs'], f.env);
    const running = rebuild;
    let sorti = false;
    void running.exited.then(() => (sorti = true));
    const killedAt = await waitFor(
      async () => {
        if (sorti) throw new Error(`the rebuild ended before the kill:\n${running.output().slice(-2000)}`);
        const p = await checkpoint('indicateurs:rebuild');
        return p >= seuil ? p : undefined;
      },
      'the rebuild to pass the kill point',
      180_000,
      5,
    );
    running.child.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');
    const lecturesAuKill = lectures;
    expect(killedAt).toBeLessThan(events);
    // The live generation never saw it: at the head, its figures unchanged; the shadow is left behind.
    expect(await checkpoint('indicateurs')).toBe(events);
    expect(await shadowLeft()).toBe(true);
    await sleep(1_000);

    const again = await runCli(['projections:rebuild', 'indicateurs'], f.env, 240_000);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(new RegExp(`switched to the new generation at position ${events}`));
    expect(await shadowLeft()).toBe(false);
    expect(await checkpoint('indicateurs')).toBe(events);
    await sleep(1_000);
    lisant = false;
    await lecteur;
    expect(ecarts).toEqual([]);
    expect(lectures).toBeGreaterThan(lecturesAuKill);
    expect((await lire()).chiffres).toBe(reference.chiffres);

    expect(await api.stop()).toBe(0);
    const verify = await runCli(['audit:verify', 'indicateurs'], f.env, 240_000);
    if (verify.code !== 0) console.log(verify.output.slice(-6000));
    expect(verify.code).toBe(0);
    console.log(
      `fault-crash-rebuild (seed ${seed}): projections:rebuild indicateurs over ${events} events SIGKILLed at ${killedAt} (${Math.round((100 * killedAt) / events)} %), ` +
        `run again to its switch; ${lectures} reads of /api/indicateurs during it all, every one 200 with the complete figures (${JSON.parse(reference.chiffres).heuresRealisees} h), ` +
        `fraicheur never back; live checkpoint untouched by the kill, shadow dropped by the next rebuild, audit:verify identical; ` +
        `total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 400_000);
});

import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommandExecutor } from '@suivi/commands';
import { ImportsHeures, type Travail } from '@suivi/imports';
import { FACILITATRICE, startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';

/**
 * Crash safety of the timesheet import job, at the library level on the real database of an api:
 * a job left decided ('enregistrement') is finished by `reprendre()` exactly once, however many
 * times it is resumed; a job left before the decision is marked interrupted with nothing recorded;
 * a job another process still holds (its advisory lock) is left alone; two imports of one file
 * at once record each month once. And, through HTTP, a job that outlives IMPORT_WAIT_SECONDS is
 * answered 202 with where to follow it.
 */

interface Personne {
  salarieId: string;
  placementId: string;
}

/** A row as the runner stages it in imports.lignes. */
interface Staged {
  ligne: number;
  salarieId: string;
  placementId: string;
  mois: string;
  heures: number;
}

const MOIS = ['2025-02', '2025-03', '2025-04'];

async function creerPersonnes(api: TestApi, n: number): Promise<{ personnes: Personne[]; marcheId: string }> {
  const marche = await marcheAttribue(api);
  const personnes: Personne[] = [];
  for (let i = 0; i < n; i++) {
    const salarieId = await salarieEligible(api);
    personnes.push({ salarieId, placementId: await placement(api, salarieId, marche) });
  }
  return { personnes, marcheId: marche.marcheId };
}

describe('import des heures : reprise après un arrêt (ImportsHeures.reprendre)', () => {
  let api: TestApi;
  let sql: Client;
  let dataSource: DataSource;
  let executor: CommandExecutor;
  let imports: ImportsHeures;

  const evenements = async () => Number((await sql.query(`SELECT count(*) AS n FROM event_store.events`)).rows[0].n);
  /** The events an import recorded: every one of them carries the job's id as correlation id. */
  const evenementsDuTravail = async (id: string): Promise<Array<{ type: string; stream_id: string }>> =>
    (await sql.query(`SELECT type, stream_id FROM event_store.events WHERE metadata->>'correlationId' = $1 ORDER BY position`, [id])).rows;
  const lignesStagees = async (id: string) => Number((await sql.query(`SELECT count(*) AS n FROM imports.lignes WHERE travail_id = $1`, [id])).rows[0].n);
  const travail = async (id: string): Promise<Travail> => (await imports.travaux.lire(id))!;

  /** The job row and its staged rows, as the runner leaves them after phase 2 has decided (or earlier phases). */
  async function stager(id: string, etat: 'lecture' | 'verification' | 'enregistrement', lignes: Staged[], existe = false): Promise<void> {
    if (!existe) {
      await sql.query(
        `INSERT INTO imports.travaux (id, utilisateur_id, nom_fichier, empreinte, simulation, etat, format, encodage, lignes, lignes_rattachees)
         VALUES ($1, $2, $3, $4, false, $5, 'csv', 'utf-8', $6, $6)`,
        [id, FACILITATRICE, 'heures-crash.csv', createHash('sha256').update(id).digest('hex'), etat, lignes.length],
      );
    } else {
      await sql.query(`UPDATE imports.travaux SET etat = $2, termine_le = NULL, phase_lignes = 0, lignes = $3, lignes_rattachees = $3 WHERE id = $1`, [id, etat, lignes.length]);
    }
    await sql.query(`DELETE FROM imports.lignes WHERE travail_id = $1`, [id]);
    for (const l of lignes) {
      await sql.query(`INSERT INTO imports.lignes (travail_id, ligne, salarie_id, placement_id, mois, heures) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id,
        l.ligne,
        l.salarieId,
        l.placementId,
        l.mois,
        l.heures,
      ]);
    }
  }

  /** One row per person and month, numbered as in a file whose header is line 1. */
  const lignesDe = (personnes: Personne[], mois = MOIS, heures = (i: number) => 100 + i): Staged[] =>
    personnes.flatMap((p, i) => mois.map((m, j) => ({ salarieId: p.salarieId, placementId: p.placementId, mois: m, heures: heures(i * mois.length + j) }))).map((l, k) => ({ ...l, ligne: k + 2 }));

  beforeAll(async () => {
    api = await startTestApi('import_reprise');
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    dataSource = api.app.get(DataSource);
    executor = api.app.get(CommandExecutor);
    imports = new ImportsHeures(dataSource, executor);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  it('a. un travail décidé (enregistrement) laissé par un arrêt est terminé : chaque ligne enregistrée une fois', async () => {
    const { personnes } = await creerPersonnes(api, 3);
    const id = randomUUID();
    const lignes = lignesDe(personnes);
    await stager(id, 'enregistrement', lignes);
    const avant = await evenements();

    expect(await imports.reprendre()).toEqual([id]);

    const fini = await travail(id);
    expect(fini).toMatchObject({ etat: 'enregistre', compteurs: { declarations: 9, corrections: 0, inchangees: 0 }, probleme: null, erreursTotal: 0 });
    expect(fini.termineLe).not.toBeNull();
    expect(fini.position).toBeGreaterThan(0);
    expect(await lignesStagees(id)).toBe(0);
    // Each declaration and its locator.
    expect(await evenements()).toBe(avant + 18);
    const recorded = await evenementsDuTravail(id);
    expect(recorded.filter((e) => e.type === 'HeuresDeclarees')).toHaveLength(9);
    expect(recorded.filter((e) => e.type === 'DeclarationRattachee')).toHaveLength(9);
    // Read back through the api: each person has exactly the three months with the staged hours.
    for (const [i, p] of personnes.entries()) {
      const vue = (await api.get(`/placements/${p.placementId}?apres=${fini.position}`).expect(200)).body;
      expect(vue.declarations.map((d: any) => [d.mois, d.heures])).toEqual(MOIS.map((m, j) => [m, 100 + i * 3 + j]));
    }
  });

  it('b. reprendre deux fois (et après un arrêt au milieu) n’enregistre rien de plus, et les compteurs restent justes', async () => {
    const { personnes } = await creerPersonnes(api, 3);
    const id = randomUUID();
    const lignes = lignesDe(personnes);

    // A crash in the middle of phase 3: the first person's append made, the others not.
    await stager(id, 'enregistrement', lignes.filter((l) => l.salarieId === personnes[0].salarieId));
    expect(await imports.reprendre()).toEqual([id]);
    expect((await travail(id)).compteurs).toEqual({ declarations: 3, corrections: 0, inchangees: 0 });
    const apresPremier = await evenements();

    // The job as the crash left it: decided, every row staged, not finished.
    await stager(id, 'enregistrement', lignes, true);
    expect(await imports.reprendre()).toEqual([id]);
    let fini = await travail(id);
    // The first person's events are found (same idempotency seed import|<id>), not appended again, and still counted.
    expect(fini).toMatchObject({ etat: 'enregistre', compteurs: { declarations: 9, corrections: 0, inchangees: 0 }, erreursTotal: 0 });
    expect(await evenements()).toBe(apresPremier + 12);
    const apresTout = await evenements();

    // Resumed once more: everything is found.
    await stager(id, 'enregistrement', lignes, true);
    expect(await imports.reprendre()).toEqual([id]);
    fini = await travail(id);
    expect(fini).toMatchObject({ etat: 'enregistre', compteurs: { declarations: 9, corrections: 0, inchangees: 0 }, erreursTotal: 0 });
    expect(fini.position).toBeGreaterThan(0);
    expect(await evenements()).toBe(apresTout);
    expect(await lignesStagees(id)).toBe(0);
    const recorded = await evenementsDuTravail(id);
    expect(recorded.filter((e) => e.type === 'HeuresDeclarees')).toHaveLength(9);
    expect(new Set(recorded.map((e) => `${e.type}|${e.stream_id}`)).size).toBe(recorded.filter((e) => e.type === 'DeclarationRattachee').length + 3);
  });

  it('b2. une reprise qui corrige : les corrections déjà faites par ce travail sont retrouvées, pas refaites', async () => {
    const { personnes } = await creerPersonnes(api, 2);
    // The months already declared (by an earlier import), with other hours.
    const premier = randomUUID();
    await stager(premier, 'enregistrement', lignesDe(personnes, MOIS, () => 50));
    await imports.reprendre();
    expect((await travail(premier)).compteurs.declarations).toBe(6);

    const id = randomUUID();
    const lignes = lignesDe(personnes, MOIS, (k) => 60 + k);
    await stager(id, 'enregistrement', lignes);
    const avant = await evenements();
    await imports.reprendre();
    expect(await travail(id)).toMatchObject({ etat: 'enregistre', compteurs: { declarations: 0, corrections: 6, inchangees: 0 } });
    expect(await evenements()).toBe(avant + 6);

    await stager(id, 'enregistrement', lignes, true);
    await imports.reprendre();
    expect(await travail(id)).toMatchObject({ etat: 'enregistre', compteurs: { declarations: 0, corrections: 6, inchangees: 0 } });
    expect(await evenements()).toBe(avant + 6);
  });

  it('c. un travail arrêté en lecture ou en vérification est marqué interrompu, sans rien enregistrer', async () => {
    const { personnes } = await creerPersonnes(api, 2);
    const enLecture = randomUUID();
    const enVerification = randomUUID();
    await stager(enLecture, 'lecture', lignesDe(personnes).slice(0, 2));
    await stager(enVerification, 'verification', lignesDe(personnes));
    const avant = await evenements();

    expect((await imports.reprendre()).sort()).toEqual([enLecture, enVerification].sort());

    for (const id of [enLecture, enVerification]) {
      const t = await travail(id);
      expect(t).toMatchObject({ etat: 'interrompu', probleme: { code: 'IMPORT_INTERROMPU' } });
      expect(t.probleme!.message).toMatch(/rien n'a été enregistré/);
      expect(t.termineLe).not.toBeNull();
      expect(await lignesStagees(id)).toBe(0);
      expect(await evenementsDuTravail(id)).toEqual([]);
    }
    expect(await evenements()).toBe(avant);
    // Nothing is left to resume.
    expect(await imports.reprendre()).toEqual([]);
  });

  it('d. un travail dont le verrou est tenu par un autre processus est laissé ; le verrou libéré, il est terminé', async () => {
    const { personnes } = await creerPersonnes(api, 2);
    const id = randomUUID();
    await stager(id, 'enregistrement', lignesDe(personnes));
    const autre = new Client({ connectionString: api.db.url });
    await autre.connect();
    try {
      await autre.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`import:${id}`]);
      const avant = await evenements();
      expect(await imports.reprendre()).toEqual([]);
      expect(await travail(id)).toMatchObject({ etat: 'enregistrement', termineLe: null });
      expect(await lignesStagees(id)).toBe(6);
      expect(await evenements()).toBe(avant);

      await autre.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`import:${id}`]);
      expect(await imports.reprendre()).toEqual([id]);
      expect(await travail(id)).toMatchObject({ etat: 'enregistre', compteurs: { declarations: 6, corrections: 0, inchangees: 0 } });
      expect(await evenements()).toBe(avant + 12);
    } finally {
      await autre.end();
    }
  });

  it('d2. l’état lu avant de prendre le verrou peut être périmé : un travail passé en enregistrement entre-temps doit être terminé, pas déclaré « rien enregistré »', async () => {
    // The race: this process lists the unfinished jobs and sees J in 'verification' (another live
    // process holds its lock); that process passes J to 'enregistrement', records the first
    // person, and dies (its lock freed with its connection); this process then takes the lock.
    // Simulated by answering the stale listing.
    const { personnes } = await creerPersonnes(api, 2);
    const id = randomUUID();
    const lignes = lignesDe(personnes);
    await stager(id, 'enregistrement', lignes.filter((l) => l.salarieId === personnes[0].salarieId));
    await imports.reprendre();
    await stager(id, 'enregistrement', lignes, true);
    const dejaEnregistres = (await evenementsDuTravail(id)).length;
    expect(dejaEnregistres).toBe(6);

    const enCours = imports.travaux.enCours.bind(imports.travaux);
    imports.travaux.enCours = async () => (await enCours()).map((j) => (j.id === id ? { ...j, etat: 'verification' as const } : j));
    try {
      await imports.reprendre();
    } finally {
      imports.travaux.enCours = enCours;
    }
    const t = await travail(id);
    const recorded = await evenementsDuTravail(id);
    // Expected: the decided job is finished (both people recorded). Observed (bug): it is marked
    // 'interrompu' with "rien n'a été enregistré" while the first person's hours are in the log,
    // and the second person's staged rows are deleted, never to be recorded.
    expect({ etat: t.etat, probleme: t.probleme?.code ?? null, evenements: recorded.length }).toEqual({ etat: 'enregistre', probleme: null, evenements: 12 });
  });

  it('e. deux imports simultanés du même fichier enregistrent chaque mois une seule fois', async () => {
    const { personnes } = await creerPersonnes(api, 3);
    const dossier = mkdtempSync(join(tmpdir(), 'import-reprise-'));
    try {
      const chemin = join(dossier, 'heures.csv');
      const csv = ['placement;mois;heures', ...lignesDe(personnes).map((l) => `${l.placementId};${l.mois.slice(5)}/${l.mois.slice(0, 4)};${String(l.heures).replace('.', ',')}`)].join('\r\n');
      writeFileSync(chemin, csv);
      const avant = await evenements();
      const demande = { chemin, nomFichier: 'heures.csv', simulation: false, utilisateurId: FACILITATRICE };
      const [a, b] = await Promise.all([imports.lancer(demande), imports.lancer(demande)]);
      const [fa, fb] = await Promise.all([a.fin, b.fin]);
      const etats = [fa, fb].map((t) => ({ etat: t.etat, ...t.compteurs, erreurs: t.erreursTotal }));
      // Reported to the reader: how the two jobs shared the work.
      console.log(`import-heures-reprise (e) two concurrent imports: ${JSON.stringify(etats)}; events stored ${(await evenements()) - avant}`);
      expect(fa.etat).toBe('enregistre');
      expect(fb.etat).toBe('enregistre');
      expect(fa.compteurs.corrections + fb.compteurs.corrections).toBe(0);
      expect(fa.compteurs.declarations + fb.compteurs.declarations).toBe(9);
      expect(fa.compteurs.declarations + fa.compteurs.inchangees).toBe(9);
      expect(fb.compteurs.declarations + fb.compteurs.inchangees).toBe(9);
      expect(await evenements()).toBe(avant + 18);
      for (const p of personnes) {
        const { rows } = await sql.query(`SELECT count(*) AS n FROM event_store.events WHERE type = 'HeuresDeclarees' AND data->>'placementId' = $1`, [p.placementId]);
        expect(Number(rows[0].n)).toBe(3);
      }
    } finally {
      rmSync(dossier, { recursive: true, force: true });
    }
  });
});

describe('import des heures : un import plus long que IMPORT_WAIT_SECONDS se suit par GET /imports/{id}', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('import_attente', { IMPORT_WAIT_SECONDS: '0' });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  it('f. répond 202 avec Location et la progression, puis le suivi atteint enregistre avec les compteurs', async () => {
    const { personnes } = await creerPersonnes(api, 3);
    const csv = [
      'placement;mois;heures',
      ...personnes.flatMap((p) => ['01/2025', '02/2025', '03/2025', '04/2025'].map((m, j) => `${p.placementId};${m};${j + 10},5`)),
    ].join('\r\n');
    const res = await request(api.server).post('/api/imports/heures').set(api.entetes).attach('fichier', Buffer.from(csv, 'utf8'), 'heures.csv');
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/imports/${res.body.id}`);
    expect(res.body.progression).toEqual(expect.objectContaining({ etape: expect.stringMatching(/^(lecture|verification|enregistrement)$/), lignesTraitees: expect.any(Number) }));
    expect(res.body.termineLe).toBeNull();

    let vue: any = res.body;
    const limite = Date.now() + 30_000;
    while (vue.termineLe === null && Date.now() < limite) {
      await new Promise((r) => setTimeout(r, 50));
      vue = (await api.get(res.headers.location.replace(/^\/api/, '')).expect(200)).body;
    }
    expect(vue).toMatchObject({ etat: 'enregistre', lignes: 12, declarations: 12, corrections: 0, inchangees: 0, erreursTotal: 0, progression: null, probleme: null });
    expect(vue.position).toBeGreaterThan(0);
  });
});

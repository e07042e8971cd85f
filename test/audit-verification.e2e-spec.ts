import { Client } from 'pg';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { allProjections, VERIFICATION_LOCK } from '@suivi/projections';
import { ProjectionLock } from '../libs/projections/src/runtime/projection-lock';
import type { VerificationVue } from '../apps/api/src/audit/audit-verification.dto';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';
import { startApp, waitFor } from './support/processes';
import { construireScenario, type Registre } from './support/scenario-indicateurs';

/**
 * Issue 15: `audit:verify` and `/api/audit/verification` replay every projection from the log
 * into a scratch schema and compare it with the live read model row by row. A row altered in SQL
 * is caught and named; writes during a verification never show as a difference.
 */
describe('vérification des modèles de lecture contre le journal', () => {
  let api: TestApi;
  let r: Registre;
  let sql: Client;
  let store: EventStore;
  let auditeur: Record<string, string>;
  const CHEMIN = '/audit/verification';

  beforeAll(async () => {
    api = await startTestApi('audit_verification');
    r = await construireScenario(api);
    store = api.app.get<EventStore>(EVENT_STORE);
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    auditeur = api.auth(await api.jetonPour('auditeur'));
    await projectionsAJour();
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await api?.close();
  });

  /** Every projection has applied the whole log. */
  async function projectionsAJour(): Promise<void> {
    const tete = await store.headPosition();
    await waitFor(async () => {
      const { rows } = await sql.query(`SELECT name, position FROM projections.checkpoints`);
      return allProjections().every((p) => rows.some((c) => c.name === p.name && Number(c.position) >= tete));
    }, 'every projection at the head of the log');
  }

  const auditVerify = async (...args: string[]) => {
    const cli = startApp('cli', ['audit:verify', ...args], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn' });
    const { code } = await cli.exited;
    return { code, output: cli.output() };
  };

  async function finDeVerification(): Promise<VerificationVue> {
    return waitFor(
      async () => {
        const res = await api.get(CHEMIN, auditeur);
        expect(res.status).toBe(200);
        return res.body.etat === 'en_cours' ? null : (res.body as VerificationVue);
      },
      'the end of the verification',
      60_000,
      50,
    );
  }

  it('GET avant toute vérification répond « jamais »', async () => {
    const res = await api.get(CHEMIN, auditeur).expect(200);
    expect(res.body).toEqual({ etat: 'jamais', demarreeLe: null, termineeLe: null, position: null, progression: null, resultat: null, erreur: null });
  });

  it('audit:verify trouve chaque modèle de lecture identique au rejeu du journal (code 0)', async () => {
    expect(r.declarations.length).toBeGreaterThan(50);
    const { code, output } = await auditVerify();
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('RESULT: every read model equals the replay of the log.') });
    for (const p of allProjections()) expect(output).toMatch(new RegExp(`^${p.name}: \\d+ events replayed .* identical$`, 'm'));
    // The scratch schemas are gone.
    expect((await sql.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_verif\\_%'`)).rows).toEqual([]);
  }, 60_000);

  it('audit:verify attrape une ligne modifiée, supprimée ou ajoutée en SQL (code 1) et nomme la table et la ligne ; l’API aussi', async () => {
    const { rows: [declaration] } = await sql.query(`SELECT id, centiemes::int FROM indicateurs.declarations WHERE centiemes > 0 ORDER BY id LIMIT 1`);
    const { rows: [heures] } = await sql.query(`SELECT marche_id, mois, centiemes::int FROM coordination.heures ORDER BY marche_id, mois LIMIT 1`);
    const { rows: [modele] } = await sql.query(`SELECT * FROM utilisateurs.utilisateurs LIMIT 1`);
    const fantome = '00000000-0000-4000-8000-00000000f00d';
    await sql.query(`UPDATE indicateurs.declarations SET centiemes = centiemes + 123 WHERE id = $1`, [declaration.id]);
    await sql.query(`DELETE FROM coordination.heures WHERE marche_id = $1 AND mois = $2`, [heures.marche_id, heures.mois]);
    await sql.query(
      `INSERT INTO utilisateurs.utilisateurs (id, identifiant, role, donneur_ordre_id, actif, cree_le, cree_par, modifie_le, modifie_par, revision)
       VALUES ($1, 'fantome', 'admin', NULL, true, $2, 'sql', $2, 'sql', 0)`,
      [fantome, modele.cree_le],
    );

    try {
      const { code, output } = await auditVerify();
      expect(code).toBe(1);
      expect(output).toContain(`indicateurs.declarations (key id): `);
      expect(output).toContain(`id=${declaration.id}: differs in centiemes (live ${declaration.centiemes + 123}, replay ${declaration.centiemes})`);
      expect(output).toContain(`coordination.heures (key marche_id, mois): `);
      expect(output).toContain(`marche_id=${heures.marche_id} mois=${heures.mois}: only in the replay: centiemes=${heures.centiemes}`);
      expect(output).toMatch(new RegExp(`id=${fantome}: only in the live read model: identifiant=fantome role=admin`));
      expect(output).toMatch(/^stream-type-counts: .* identical$/m);
      expect(output).toContain('RESULT: 3 table(s) differ (2 row(s) only in the live read model, 2 only in the replay).');
      expect(output).toContain('audit:verify: the read models of indicateurs, coordination-regionale, utilisateurs differ from the replay of the log');

      // The same through the API, as the auditor: started by POST, followed by GET.
      const lancee = await api.post(CHEMIN, undefined, auditeur).expect(202);
      expect(lancee.headers.location).toBe('/api/audit/verification');
      expect(lancee.body).toMatchObject({ etat: 'en_cours', position: await store.headPosition(), resultat: null });
      const vue = await finDeVerification();
      expect(vue).toMatchObject({ etat: 'terminee', erreur: null, resultat: { conforme: false } });
      expect(Date.parse(vue.termineeLe!)).toBeGreaterThanOrEqual(Date.parse(vue.demarreeLe!));
      expect(vue.resultat!.projections.map((p) => [p.projection, p.conforme])).toEqual(
        allProjections().map((p) => [p.name, !['indicateurs', 'coordination-regionale', 'utilisateurs'].includes(p.name)]),
      );
      const parTable = new Map(vue.resultat!.differences.map((d) => [d.table, d]));
      expect([...parTable.keys()].sort()).toEqual(['coordination.heures', 'indicateurs.declarations', 'utilisateurs.utilisateurs']);
      expect(parTable.get('indicateurs.declarations')).toMatchObject({
        projection: 'indicateurs',
        colonnesCle: ['id'],
        seulementEnDirect: 1,
        seulementRejouees: 1,
        exemples: [{ cle: { id: declaration.id }, enDirect: true, rejouee: true, colonnes: ['centiemes'] }],
      });
      expect(parTable.get('coordination.heures')).toMatchObject({
        seulementEnDirect: 0,
        seulementRejouees: 1,
        exemples: [{ cle: { marche_id: heures.marche_id, mois: heures.mois }, enDirect: false, rejouee: true }],
      });
      expect(parTable.get('utilisateurs.utilisateurs')).toMatchObject({ seulementEnDirect: 1, seulementRejouees: 0, exemples: [{ cle: { id: fantome }, enDirect: true, rejouee: false }] });
      // Keys and column names only: no value of the read models leaves through the API.
      expect(JSON.stringify(vue.resultat!.differences)).not.toContain('fantome');
    } finally {
      await sql.query(`UPDATE indicateurs.declarations SET centiemes = centiemes - 123 WHERE id = $1`, [declaration.id]);
      await sql.query(`INSERT INTO coordination.heures (marche_id, mois, centiemes) VALUES ($1, $2, $3)`, [heures.marche_id, heures.mois, heures.centiemes]);
      await sql.query(`DELETE FROM utilisateurs.utilisateurs WHERE id = $1`, [fantome]);
    }

    await api.post(CHEMIN, undefined, auditeur).expect(202);
    expect(await finDeVerification()).toMatchObject({ etat: 'terminee', resultat: { conforme: true, differences: [] } });
  }, 120_000);

  it('une vérification pendant des écritures ne signale aucune fausse différence', async () => {
    const marche = await marcheAttribue(api);
    await api.put(`/marches/${marche.marcheId}/suivi-regional`, { suivi: true }).expect(200);
    const placements = await Promise.all([0, 1, 2].map(async () => placement(api, await salarieEligible(api), marche)));
    await projectionsAJour();

    // Hours of 2025 (10 to 23), then corrections (100 to 199, never the current value), on three placements, all along the verification.
    let ecrire = true;
    const declarationsDe = new Map<string, string[]>();
    const pendant: number[] = [];
    let debut = Infinity;
    let fin = Infinity;
    const ecritures = Promise.all(
      placements.map(async (placementId, i) => {
        for (let n = 0; ecrire; n++) {
          const mois = `2025-${String((n % 12) + 1).padStart(2, '0')}`;
          const res =
            n < 12
              ? await api.post(`/placements/${placementId}/heures`, { mois, heures: 10 + i + n })
              : await api.post(`/declarations/${declarationsDe.get(placementId)![n % 12]}/corrections`, { heures: 100 + ((n * 7 + i) % 100), motif: 'Correction' });
          expect(res.status).toBe(201);
          if (n < 12) declarationsDe.set(placementId, [...(declarationsDe.get(placementId) ?? []), res.body.id]);
          const t = Date.now();
          if (t > debut && t < fin) pendant.push(res.body.position);
        }
      }),
    );

    await new Promise((resolve) => setTimeout(resolve, 300));
    debut = Date.now();
    const lancee = await api.post(CHEMIN, undefined, auditeur).expect(202);
    const vue = await finDeVerification();
    fin = Date.now();
    ecrire = false;
    await ecritures;

    expect(vue).toMatchObject({ etat: 'terminee', resultat: { conforme: true, differences: [] } });
    // Writes landed while it ran, and the projections it compared had moved past the head it started from.
    expect(pendant.length).toBeGreaterThan(5);
    expect(Math.max(...vue.resultat!.projections.map((p) => p.position))).toBeGreaterThan(lancee.body.position);
    // And the read models are still right once everything is applied.
    await projectionsAJour();
    const { code, output } = await auditVerify();
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('RESULT: every read model equals the replay of the log.') });
  }, 120_000);

  it('une seule vérification à la fois : 409 pendant une autre, dans ce processus ou ailleurs (la commande aussi)', async () => {
    await api.post(CHEMIN, undefined, auditeur).expect(202);
    const deuxieme = await api.post(CHEMIN, undefined, api.auth(await api.jetonPour('admin'))).expect(409);
    expect(deuxieme.body).toMatchObject({ code: 'VERIFICATION_EN_COURS', details: null });
    expect(await finDeVerification()).toMatchObject({ etat: 'terminee' });

    // Another process holds the verification lock (as a running audit:verify does).
    const ailleurs = new ProjectionLock(api.db.url, VERIFICATION_LOCK);
    expect(await ailleurs.tryAcquire()).toBe(true);
    try {
      expect((await api.post(CHEMIN, undefined, auditeur).expect(409)).body.code).toBe('VERIFICATION_EN_COURS');
      const { code, output } = await auditVerify();
      expect({ code, output }).toEqual({ code: 1, output: expect.stringContaining('a verification is already running') });
      // The refused start left the last result as it was.
      expect((await api.get(CHEMIN, auditeur).expect(200)).body).toMatchObject({ etat: 'terminee', resultat: { conforme: true } });
    } finally {
      await ailleurs.release();
    }
  }, 60_000);

  it('audit:verify <projection> ne vérifie que celle-là ; un nom inconnu est refusé', async () => {
    const une = await auditVerify('coordination-regionale');
    expect(une.code).toBe(0);
    expect(une.output).toMatch(/^coordination-regionale: .* identical$/m);
    expect(une.output).not.toMatch(/^indicateurs: /m);
    const inconnue = await auditVerify('inconnue');
    expect({ code: inconnue.code, output: inconnue.output }).toEqual({ code: 1, output: expect.stringContaining('unknown projection "inconnue"') });
  }, 60_000);
});

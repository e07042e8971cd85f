import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { startApp } from './support/processes';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement } from './support/fixtures';

/**
 * GDPR erasure by crypto-shredding: the identity is encrypted in the log with the person's key;
 * destroying the key erases it everywhere while every figure stays the same, and replays work.
 */
describe('effacement de l’identité d’un salarié', () => {
  let api: TestApi;
  let sql: Client;
  let salarieId: string;
  let marche: Awaited<ReturnType<typeof marcheAttribue>>;
  const IDENTITE = { nom: 'Zébulon-Quintard', prenom: 'Philomène', dateNaissance: '1971-08-23', adresse: '7 impasse des Glycines' };
  const PRECISION = 'Sortie de détention, suivie par le SPIP de Dijon';
  const TRACES = [IDENTITE.nom, IDENTITE.prenom, IDENTITE.dateNaissance, IDENTITE.adresse, 'Glycines', 'SPIP'];
  const logs: string[] = [];
  let restoreStdout: () => void;

  /** Every figure a buyer, the team or a funder reads, without the freshness that moves with the log. */
  async function chiffres(apres: number) {
    const sans = ({ fraicheur: _f, ...reste }: Record<string, unknown>) => reste;
    const get = async (chemin: string, headers: Record<string, string> = {}) => {
      const res = await api.get(`${chemin}${chemin.includes('?') ? '&' : '?'}apres=${apres}`, headers);
      expect({ chemin, status: res.status }).toEqual({ chemin, status: 200 });
      return res;
    };
    return {
      indicateurs: sans((await get('/indicateurs?annee=2025')).body),
      serie: sans((await get('/indicateurs/series?de=2025&a=2025')).body),
      bilan: sans((await get('/bilans/2025')).body),
      // The CSV states the log position it was read at: that line moves with every write.
      bilanCsv: (await get('/bilans/2025', { Accept: 'text/csv' })).text.replace(/^Position du journal.*$/m, ''),
      export: (await get('/exports/consolidation/2025', { Accept: 'text/csv' })).text,
      conformite: sans((await get(`/marches/${marche.marcheId}/conformite?date=2025-12-31`)).body),
      coordination: sans((await get('/coordination-regionale/indicateurs?annee=2025')).body),
    };
  }

  beforeAll(async () => {
    // Logs at info level, captured: the identity must never reach them.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    restoreStdout = () => (process.stdout.write = write);
    api = await startTestApi('effacement', { LOG_LEVEL: 'info' });
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
    marche = await marcheAttribue(api);
    await api.put(`/marches/${marche.marcheId}/suivi-regional`, { suivi: true }).expect(200);
    salarieId = (await api.post('/salaries', { ...IDENTITE, sexe: 'F', commune: 'Dijon', quartierQpv: 'Grésilles', niveauFormation: '3' }).expect(201)).body.id;
    await api.post(`/salaries/${salarieId}/eligibilites`, { criteres: ['sous_main_justice', 'autre'], precision: PRECISION, dateValidation: '2024-12-01' }).expect(201);
    const placementId = await placement(api, salarieId, marche);
    for (const mois of ['2025-01', '2025-02', '2025-03']) await api.post(`/placements/${placementId}/heures`, { mois, heures: 120 }).expect(201);
  });
  afterAll(async () => {
    restoreStdout?.();
    await sql?.end();
    await api?.close();
  });

  it('garde l’identité chiffrée dans le journal, avec une clé par personne hors du journal', async () => {
    const { rows } = await sql.query(`SELECT type, data::text AS data FROM event_store.events WHERE stream_id = $1`, [`salarie-${salarieId}`]);
    const journal = rows.map((r) => r.data).join('\n');
    for (const trace of TRACES) expect(journal).not.toContain(trace);
    expect(rows.find((r) => r.type === 'SalarieEnregistre')!.data).toMatch(/"chiffre": \{/);
    expect(rows.find((r) => r.type === 'SalarieEnregistre')!.data).toContain('"trancheAge": "50_plus"');
    const cles = await sql.query(`SELECT cle_chiffree IS NOT NULL AS active FROM donnees_personnelles.cles WHERE salarie_id = $1`, [salarieId]);
    expect(cles.rows).toEqual([{ active: true }]);
    // The facilitatrice reads it decrypted.
    const lu = await api.get(`/salaries/${salarieId}`).expect(200);
    expect(lu.body).toMatchObject({ ...IDENTITE, efface: false, identiteVisible: true, trancheAge: '50_plus' });
    expect(lu.body.eligibilites[0].precision).toBe(PRECISION);
  });

  it('efface l’identité partout et laisse chaque chiffre identique ; les rejeux et reconstructions fonctionnent encore', async () => {
    const head = Number((await sql.query('SELECT max(position) AS p FROM event_store.events')).rows[0].p);
    const avant = await chiffres(head);

    const effacement = await api.post(`/salaries/${salarieId}/effacement`, { motif: 'demande_de_la_personne' }).expect(201);
    expect(effacement.body).toMatchObject({ id: salarieId, position: expect.any(Number) });
    const { rows: evenement } = await sql.query(`SELECT data::text AS data, metadata FROM event_store.events WHERE position = $1`, [effacement.body.position]);
    expect(JSON.parse(evenement[0].data)).toEqual({ salarieId, motif: 'demande_de_la_personne' });
    const cles = await sql.query(`SELECT cle_chiffree IS NULL AS detruite, detruite_le IS NOT NULL AS date FROM donnees_personnelles.cles WHERE salarie_id = $1`, [salarieId]);
    expect(cles.rows).toEqual([{ detruite: true, date: true }]);

    // The API, for every role that may read the person.
    for (const qui of [{}, api.auth(await api.jetonPour('admin')), api.auth(await api.jetonPour('auditeur'))]) {
      const lu = await api.get(`/salaries/${salarieId}`, qui).expect(200);
      expect(lu.body).toMatchObject({ nom: null, prenom: null, dateNaissance: null, adresse: null, efface: true, sexe: 'F', trancheAge: '50_plus', commune: 'Dijon' });
      expect(lu.body.eligibilites[0]).toMatchObject({ criteres: ['sous_main_justice', 'autre'], precision: null });
    }

    // Every figure is the same.
    expect(await chiffres(effacement.body.position)).toEqual(avant);

    // The read models hold no trace of the identity.
    const { rows: tables } = await sql.query(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('indicateurs', 'coordination', 'stream_type_counts', 'utilisateurs') AND table_type = 'BASE TABLE'`,
    );
    for (const { table_schema, table_name } of tables) {
      const { rows } = await sql.query(`SELECT t::text AS ligne FROM "${table_schema}"."${table_name}" t`);
      const contenu = rows.map((r) => r.ligne).join('\n');
      for (const trace of TRACES) expect({ table: `${table_schema}.${table_name}`, trace, present: contenu.includes(trace) }).toMatchObject({ present: false });
    }

    // No new fact can be recorded for them; erasing again records nothing more.
    expect((await api.post(`/salaries/${salarieId}/eligibilites`, { criteres: ['deld'], dateValidation: '2025-06-01' }).expect(422)).body.code).toBe('SALARIE_EFFACE');
    const encore = await api.post(`/salaries/${salarieId}/effacement`, { motif: 'autre' }).expect(201);
    expect(encore.body.revision).toBe(effacement.body.revision);

    // A full rebuild from the log (identities unreadable now) gives the same figures.
    const rebuild = startApp('cli', ['projections:rebuild'], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn' });
    expect((await rebuild.exited).code).toBe(0);
    expect(await chiffres(encore.body.position)).toEqual(avant);
  }, 120_000);

  it('ne laisse l’identité ni le jeton dans les journaux', () => {
    const journaux = logs.join('');
    expect(journaux.length).toBeGreaterThan(0);
    expect(journaux).toContain('"req"');
    for (const trace of TRACES) expect(journaux).not.toContain(trace);
    expect(journaux).not.toMatch(/Bearer [A-Za-z0-9_-]+\./);
  });

  it('refuse un motif libre (400) : l’effacement ne garde aucune donnée personnelle', async () => {
    const res = await api.post(`/salaries/${salarieId}/effacement`, { motif: 'Mme Zébulon a déménagé' }).expect(400);
    expect(res.body.code).toBe('REQUETE_INVALIDE');
  });

  it('lit un ancien événement en clair (version 1) par le transcodeur : tranche d’âge calculée à sa date', async () => {
    const ancienId = randomUUID();
    const store = api.app.get<EventStore>(EVENT_STORE);
    const { position } = await store.appendToStream(
      `salarie-${ancienId}`,
      [
        {
          eventId: randomUUID(),
          type: 'SalarieEnregistre',
          data: { salarieId: ancienId, nom: 'Ancien', prenom: 'Format', sexe: 'M', dateNaissance: '2000-03-01', adresse: null, commune: 'Dijon', quartierQpv: null, niveauFormation: '4' },
          metadata: { schemaVersion: 1, occurredAt: '2025-02-28T10:00:00.000Z', userId: 'ancienne-version', correlationId: randomUUID(), causationId: null },
        },
      ],
      'no_stream',
    );
    const lu = await api.get(`/salaries/${ancienId}`).expect(200);
    // 24 on the day it was recorded (26 only in 2026): under 26.
    expect(lu.body).toMatchObject({ nom: 'Ancien', prenom: 'Format', dateNaissance: '2000-03-01', trancheAge: 'moins_26', efface: false });
    const { rows } = await sql.query(`SELECT tranche_age FROM indicateurs.salaries WHERE id = $1`, [ancienId]);
    await api.get(`/indicateurs?apres=${position}`).expect(200);
    const { rows: apres } = await sql.query(`SELECT tranche_age FROM indicateurs.salaries WHERE id = $1`, [ancienId]);
    expect([...rows, ...apres].at(-1)).toEqual({ tranche_age: 'moins_26' });
  });
});

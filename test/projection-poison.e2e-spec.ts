import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource, type EntityManager } from 'typeorm';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@suivi/event-store';
import { IndicateursProjection, ProjectionRunner } from '@suivi/projections';
import { startTestApi, type TestApi } from './support/api-app';
import { startApp, waitFor, type RunningProcess } from './support/processes';

/**
 * An event the `indicateurs` projection cannot hold (a number too big for its integer column,
 * as an older version of the service could have written), run by a real projector process: the
 * projection stops at it, visibly for every process (the api's /ready, the CLI, the logs), the
 * other projections go on, and a fixed projection resumes from that very event.
 */
describe('a projection stopped at an event it cannot hold', () => {
  let api: TestApi;
  let projector: RunningProcess | undefined;
  let store: EventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    // The api does not run the projections here: the projector process does, as in production.
    api = await startTestApi('poison_api', { PROJECTORS_IN_PROCESS: 'false' });
    store = api.app.get<EventStore>(EVENT_STORE);
    dataSource = api.app.get(DataSource);
  });
  afterAll(async () => {
    projector?.child.kill('SIGKILL');
    await projector?.exited;
    await api?.close();
  });

  const ready = () => request(api.server).get('/ready');
  const donneurOrdre = async (nom: string) =>
    (await api.post('/donneurs-ordre', { nom, type: 'collectivite', region: 'Bourgogne-Franche-Comté' }).expect(201)).body as { id: string; position: number };

  it('shows en_erreur at that event in /ready (503), the CLI and the logs, and a fix resumes from it', async () => {
    const before = await donneurOrdre('Avant');
    const { position: poison } = await store.appendToStream(
      `objectifs-2031`,
      [
        {
          eventId: randomUUID(),
          type: 'ObjectifsFixes',
          data: { annee: 2031, heures: 1000, partQpvPersonnes: 0.2, personnesEnEmploi: 1e20 },
          metadata: { schemaVersion: 1, occurredAt: new Date().toISOString(), userId: 'ancienne-version', correlationId: randomUUID(), causationId: null },
        },
      ],
      'no_stream',
    );
    const after = await donneurOrdre('Après');

    projector = startApp('projector', [], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', PROJECTION_BATCH_SIZE: '50' });
    const body = await waitFor(
      async () => {
        const res = await ready();
        const others = res.body.projections?.filter((p: { name: string }) => p.name !== 'indicateurs') ?? [];
        return res.status === 503 && others.length === 5 && others.every((p: { lag: number }) => p.lag === 0) && res.body;
      },
      '/ready to report indicateurs en_erreur and the other projections caught up',
      30_000,
      100,
    );
    expect(body).toMatchObject({ pret: false, baseDeDonnees: 'ok', magasinEvenements: 'ok' });
    const indicateurs = body.projections.find((p: { name: string }) => p.name === 'indicateurs');
    expect(indicateurs).toMatchObject({
      statut: 'en_erreur',
      position: poison - 1,
      erreur: { position: poison, type: 'ObjectifsFixes', message: expect.stringContaining('out of range'), essais: expect.any(Number) },
    });
    for (const other of body.projections.filter((p: { name: string }) => p.name !== 'indicateurs')) {
      expect(other).toMatchObject({ statut: 'ok', erreur: null, lag: 0, running: true });
    }

    // The projector says it at level error (pino: 50), naming the projection and the position.
    const errorLine = await waitFor(
      async () =>
        projector!
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l))
          .find((l) => l.projection === 'indicateurs' && l.level === 50),
      'the error log line',
      10_000,
    );
    expect(errorLine).toMatchObject({ position: poison, eventType: 'ObjectifsFixes' });

    // Reading one's own write past the poison event: no point waiting, the answer says why at once.
    const started = Date.now();
    const read = await api.get(`/indicateurs?apres=${after.position}`);
    expect(read.status).toBe(503);
    expect(read.body).toMatchObject({ code: 'PROJECTION_EN_ERREUR', details: { position: poison, type: 'ObjectifsFixes' } });
    expect(Date.now() - started).toBeLessThan(1_500);
    // Before it, the figures are there.
    expect((await api.get(`/indicateurs?apres=${before.position}`)).status).toBe(200);

    const status = startApp('cli', ['projections:status'], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn' });
    expect((await status.exited).code).toBe(0);
    expect(status.output()).toMatch(/indicateurs.*en_erreur/);
    expect(status.output()).toContain(`indicateurs: en_erreur, stopped at position ${poison} (ObjectifsFixes`);

    // Deploy the fix: the buggy projector stops, a fixed one runs the projection.
    projector.child.kill('SIGTERM');
    expect((await projector.exited).code).toBe(0);
    projector = undefined;
    const fixed = new ProjectionRunner(new IndicateursCorrige(), store, dataSource, api.db.url, {
      batchSize: 50,
      standbyRetryMs: 100,
      log: () => undefined,
    });
    fixed.start();
    try {
      const res = await waitFor(async () => {
        const r = await ready();
        return r.status === 200 && r.body;
      }, '/ready to answer 200 after the fix', 20_000, 100);
      expect(res.projections.find((p: { name: string }) => p.name === 'indicateurs')).toMatchObject({ statut: 'ok', erreur: null, lag: 0 });
    } finally {
      await fixed.stop();
    }
    // The poison event was applied (not skipped), and the events around it exactly once (primary keys).
    const schema = new IndicateursProjection().schema;
    expect(await dataSource.query(`SELECT annee, personnes_en_emploi FROM ${schema}.objectifs`)).toEqual([{ annee: 2031, personnes_en_emploi: 2 ** 31 - 1 }]);
    const ids = (await dataSource.query(`SELECT id FROM ${schema}.donneurs_ordre ORDER BY nom`)).map((r: { id: string }) => r.id);
    expect(ids).toEqual([after.id, before.id]);
  }, 90_000);
});

/** The fixed code: caps what an integer column cannot hold instead of failing on it. */
class IndicateursCorrige extends IndicateursProjection {
  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const capped = events.map((e) =>
      e.type === 'ObjectifsFixes'
        ? { ...e, data: { ...(e.data as object), personnesEnEmploi: Math.min((e.data as { personnesEnEmploi: number }).personnesEnEmploi, 2 ** 31 - 1) } }
        : e,
    );
    await super.apply(capped, tx);
  }
}

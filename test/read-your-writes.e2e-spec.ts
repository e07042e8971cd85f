import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@suivi/event-store';
import { IndicateursProjection, rebuildProjection } from '@suivi/projections';
import { startTestApi, type TestApi } from './support/api-app';

/** `?apres=<position>`: a read waits for the projection to include a write, bounded, else 503. */
describe('read your own writes', () => {
  let api: TestApi;
  beforeAll(async () => {
    // No projector in this process: the projection stays behind until the test replays it.
    api = await startTestApi('apres', { PROJECTORS_IN_PROCESS: 'false', LECTURE_ATTENTE_MS: '300' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 LECTURE_EN_RETARD while the projection is behind the write, then the figures that include it', async () => {
    const write = await api.post('/donneurs-ordre', { nom: 'Ville de Chenôve', type: 'collectivite', region: 'BFC' }).expect(201);
    const behind = await api.get(`/indicateurs?apres=${write.body.position}`);
    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({ code: 'LECTURE_EN_RETARD', details: { position: 0, retard: write.body.position } });

    const dataSource = api.app.get(DataSource);
    await rebuildProjection(new IndicateursProjection(), api.app.get<EventStore>(EVENT_STORE), dataSource, api.db.url, {
      batchSize: 100,
      standbyRetryMs: 50,
      log: () => undefined,
    });
    const fresh = await api.get(`/indicateurs?apres=${write.body.position}`).expect(200);
    expect(fresh.body.fraicheur).toEqual({ position: write.body.position, retard: 0 });
  });
});

import { Client } from 'pg';
import { verifyChain } from '@suivi/event-store';
import { startTestApi, type TestApi } from './support/api-app';
import { marcheAttribue, placement, salarieEligible } from './support/fixtures';
import { startApp } from './support/processes';

/**
 * Issue 19, "clock": the api's clock stepped back across a month's end, then forward again, while
 * facilitatrices write. The "today" rules follow the server's day as it is at each request (a month
 * that has not started is refused with 422 MOIS_FUTUR, a date after today with DATE_FUTURE, never a 500,
 * nothing half-written); the log keeps its order (positions contiguous, recording times never going
 * back, the hash chain intact) whatever the events' own `occurredAt` say; the read models equal a replay.
 * Only `Date` is faked (timers run for real), and it runs on from each time set.
 */
describe('fault: the server clock goes backwards', () => {
  let api: TestApi;
  let sql: Client;

  beforeAll(async () => {
    api = await startTestApi('horloge');
    sql = new Client({ connectionString: api.db.url });
    await sql.connect();
  }, 60_000);
  afterAll(async () => {
    jest.useRealTimers();
    await sql?.end();
    await api?.close();
  });

  const horloge = (instant: string) => {
    jest.useFakeTimers({
      advanceTimers: true,
      doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'],
    });
    jest.setSystemTime(new Date(instant));
  };

  it('rules judged on the day of each request, the log in order, the read models = replay', async () => {
    const marche = await marcheAttribue(api, {});
    const [p1, p2] = [await placement(api, await salarieEligible(api), marche), await placement(api, await salarieEligible(api), marche)];

    // 15 June 2025, 10:00 in Paris: June can be declared.
    horloge('2025-06-15T08:00:00Z');
    const juin = await api.post(`/placements/${p1}/heures`, { mois: '2025-06', heures: 70 }).expect(201);

    // The clock steps back to 31 May, 23:30 in Paris: June has not started for this server any more.
    horloge('2025-05-31T21:30:00Z');
    const refus = await api.post(`/placements/${p2}/heures`, { mois: '2025-06', heures: 50 }).expect(422);
    expect(refus.body.code).toBe('MOIS_FUTUR');
    const fin = await api.post(`/placements/${p2}/fin`, { dateFin: '2025-06-10', sortie: 'cdi' }).expect(422);
    expect(fin.body.code).toBe('DATE_FUTURE');
    // What does not depend on today goes on: May, and the correction of June already recorded.
    await api.post(`/placements/${p2}/heures`, { mois: '2025-05', heures: 40 }).expect(201);
    await api.post(`/declarations/${juin.body.id}/corrections`, { heures: 72.5, motif: 'Relevé rectifié' }).expect(201);

    // Forward again: June is open again.
    horloge('2025-06-16T08:00:00Z');
    await api.post(`/placements/${p2}/heures`, { mois: '2025-06', heures: 50 }).expect(201);
    const derniere = await api.post(`/placements/${p2}/fin`, { dateFin: '2025-06-10', sortie: 'cdi' }).expect(201);
    jest.useRealTimers();

    // The log: contiguous positions, recording times never going back, the chain intact; the events keep
    // the server's time of each request (May after June), their order is the log's.
    const { rows } = await sql.query<{ position: string; recorded_at: Date; type: string; occurred: string }>(
      `SELECT position, recorded_at, type, metadata->>'occurredAt' AS occurred FROM event_store.events ORDER BY position`,
    );
    expect(rows.map((r) => Number(r.position))).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].recorded_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].recorded_at.getTime());
    const occurred = rows.filter((r) => ['HeuresDeclarees', 'HeuresCorrigees', 'PlacementTermine'].includes(r.type)).map((r) => r.occurred.slice(0, 10));
    expect(occurred).toEqual(['2025-06-15', '2025-05-31', '2025-05-31', '2025-06-16', '2025-06-16']);
    await expect(verifyChain(api.db.url)).resolves.toMatchObject({ intact: true, events: rows.length });

    // The read side has what was accepted, nothing of what was refused, and equals a replay.
    const lu = await api.get(`/placements/${p2}?apres=${derniere.body.position}`).expect(200);
    expect(lu.body.declarations.map((d: { mois: string; heures: number }) => [d.mois, d.heures]).sort()).toEqual([
      ['2025-05', 40],
      ['2025-06', 50],
    ]);
    expect(lu.body.dateFin).toBe('2025-06-10');
    const verification = startApp('cli', ['audit:verify'], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn' });
    const { code } = await verification.exited;
    expect({ code, sortie: code === 0 ? '' : verification.output().slice(-3000) }).toEqual({ code: 0, sortie: '' });
  }, 120_000);
});

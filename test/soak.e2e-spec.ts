import { startApp } from './support/processes';

/**
 * The soak's short form (issue 19): `soak` runs its own api and database, every role for 20 s, then
 * checks hours acknowledged = log = national indicators, every month once in the log, projections =
 * replay (audit:verify), no 5xx, RSS stable. `npm run soak` is the long form (3 minutes by default).
 */
describe('soak, short form', () => {
  it('every role for 20 s: nothing lost, nothing counted twice, no 5xx, memory stable', async () => {
    const soak = startApp('cli', ['soak', '--duree', '20', '--clients', '6', '--personnes', '200'], {
      BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL!,
    });
    const { code } = await soak.exited;
    const ligne = soak
      .output()
      .split('\n')
      .find((l) => l.startsWith('--json '));
    if (!ligne) throw new Error(`soak printed no result (exit ${code}):\n${soak.output().slice(-6000)}`);
    const r = JSON.parse(ligne.slice('--json '.length));
    // The figures the closing note quotes, in the test's output.
    console.log(
      `soak: ${r.total.requetes} requests, ${r.ecritures.moisAcquittes} months acknowledged (${r.ecritures.declarationsHttp} by HTTP), ` +
        `${r.total.erreurs5xx} 5xx, hours ${r.verification.heuresAcquittees}/${r.verification.heuresDuJournal}/${r.verification.heuresIndicateurs} hundredths, ` +
        `RSS growth ${r.memoire.growth}`,
    );
    expect(r.checks).toEqual(Object.fromEntries(Object.keys(r.checks).map((k) => [k, true])));
    expect(code).toBe(0);
    // The load was real: writes of every kind and reads of every role were answered.
    expect(r.ecritures.moisAcquittes).toBeGreaterThan(50);
    const kinds = new Map<string, number>(r.requetes.map((q: { kind: string; ok: number }) => [q.kind, q.ok]));
    for (const kind of ['POST /placements/{id}/heures', 'POST /declarations/{id}/corrections', 'POST /imports/heures', 'GET /marches', 'GET /coordination-regionale/marches', 'GET /audit/journal']) {
      expect({ kind, ok: (kinds.get(kind) ?? 0) > 0 }).toEqual({ kind, ok: true });
    }
  }, 300_000);
});

import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { jourDe } from '@suivi/domain';
import { PostgresEventStore, type EventToAppend } from '@suivi/event-store';
import {
  clesDeTri,
  compterConformites,
  conformites,
  ENTITES_INDICATEURS,
  HeuresMarcheMois1764600000000,
  ListeMarches1764600000001,
  IndicateursProjection,
  pageDeConformites,
  rebuildProjection,
  TRIS_CONFORMITE,
  type ConformiteMarche,
} from '@suivi/projections';
import { mulberry32 } from './support/scenario-indicateurs';
import { createMigratedTestDatabase } from './support/test-database';

/**
 * The marchés list sorts, filters by status and pages in the database (issue 18) with an SQL twin of the one
 * definition of compliance; the rows answered are still judged by `conformiteALaDate`. On random marchés
 * (avenants on past days, closings, hours after the closing, corrections, zero required hours), every sort,
 * direction, status and date gives exactly the order, the statuses and the totals of judging every marché in
 * TypeScript and sorting in memory (the list as it was computed before), and the hours the projection keeps per
 * marché (`heures_marche_mois`, `centiemes_realises`) are those of the declarations.
 */
describe('marchés list: sorted, filtered and paged in the database', () => {
  const SEED = 20251124;
  const TOLERANCE = 0.1;
  const today = jourDe(new Date());
  let db: { url: string; drop(): Promise<void> };
  let store: PostgresEventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createMigratedTestDatabase('marches_liste');
    store = new PostgresEventStore({ connectionString: db.url });
    dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: ENTITES_INDICATEURS }).initialize();
    await enregistrerDesMarchesAuHasard(store, mulberry32(SEED), today);
    // Batches of 7 so that a marché's events are split across transactions as a live runner would apply them.
    await rebuildProjection(new IndicateursProjection(), store, dataSource, db.url, { batchSize: 7, standbyRetryMs: 50, log: () => undefined });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await db?.drop();
  });

  it('keeps each marché’s hours by month and its realised hours as the declarations say', async () => {
    const ecarts = await dataSource.query(`
      WITH d AS (SELECT marche_id, mois, sum(centiemes)::bigint AS c FROM indicateurs.declarations GROUP BY 1, 2)
      SELECT coalesce(d.marche_id, h.marche_id) AS marche_id FROM d FULL JOIN indicateurs.heures_marche_mois h
        ON h.marche_id = d.marche_id AND h.mois = d.mois WHERE d.c IS DISTINCT FROM h.centiemes`);
    expect(ecarts).toEqual([]);
    const realises = await dataSource.query(`
      SELECT m.id FROM indicateurs.marches m WHERE m.centiemes_realises <> (
        SELECT coalesce(sum(h.centiemes), 0) FROM indicateurs.heures_marche_mois h
        WHERE h.marche_id = m.id AND (m.date_cloture IS NULL OR h.mois <= left(m.date_cloture, 7)))`);
    expect(realises).toEqual([]);
  });

  it('derives the same hours from a read model that predates them (the migrations of an upgraded database)', async () => {
    const lire = async () => ({
      mois: await dataSource.query(`SELECT marche_id, mois, centiemes FROM indicateurs.heures_marche_mois ORDER BY 1, 2`),
      realises: await dataSource.query(`SELECT id, centiemes_realises FROM indicateurs.marches ORDER BY 1`),
    });
    const tenus = await lire();
    expect(tenus.mois.length).toBeGreaterThan(500);
    const runner = dataSource.createQueryRunner();
    try {
      await new ListeMarches1764600000001().down(runner);
      await new HeuresMarcheMois1764600000000().down(runner);
      await new HeuresMarcheMois1764600000000().up(runner);
      await new ListeMarches1764600000001().up(runner);
    } finally {
      await runner.release();
    }
    expect(await lire()).toEqual(tenus);
  });

  const dates = ['2024-03-15', '2025-01-01', '2025-06-30', '2025-12-31', today, '2099-01-01'];
  for (const date of dates) {
    it(`at ${date === today ? 'today' : date}: every sort, direction and status answers the in-memory order`, async () => {
      const em = dataSource.manager;
      const jugement = { date, aujourdhui: today, tolerance: TOLERANCE };
      const toutes = await conformites(em, {}, date, TOLERANCE);
      expect(toutes.length).toBe(120);
      const statuts = new Set(toutes.map((m) => m.statut));
      // The random marchés must exercise more than one status at every date, or the comparison proves little.
      expect(statuts.size).toBeGreaterThan(1);
      // The database's keys are the definition's values, in hundredths.
      const cles = await clesDeTri(em, {}, jugement);
      const centiemes = (h: number) => Math.round(h * 100);
      expect(cles.map((c) => ({ ...c, heuresPrevues: Number(c.heuresPrevues), heuresRealisees: Number(c.heuresRealisees), heuresManquantes: Number(c.heuresManquantes) }))).toEqual(
        [...toutes]
          .sort((a, b) => (a.marcheId < b.marcheId ? -1 : 1))
          .map((m) => ({
            id: m.marcheId,
            numero: m.numero,
            heuresPrevues: centiemes(m.heuresPrevues),
            dateFin: m.dateFin,
            heuresRealisees: centiemes(m.heuresRealisees),
            tauxRealisation: m.tauxRealisation,
            heuresManquantes: centiemes(m.heuresManquantes),
            statut: m.statut,
          })),
      );
      for (const tri of TRIS_CONFORMITE) {
        for (const ordre of ['asc', 'desc'] as const) {
          for (const statut of [undefined, ...statuts]) {
            const attendu = trierEnMemoire(toutes.filter((m) => !statut || m.statut === statut), tri, ordre);
            const liste = await pageDeConformites(em, {}, jugement, { tri, ordre, statut, limite: null, decalage: 0 });
            expect({ tri, ordre, statut, ids: liste.items.map((m) => m.marcheId) }).toEqual({ tri, ordre, statut, ids: attendu.map((m) => m.marcheId) });
            expect(liste.items).toEqual(attendu);
            expect(await compterConformites(em, {}, jugement, statut)).toBe(attendu.length);
            const page = await pageDeConformites(em, {}, jugement, { tri, ordre, statut, limite: 9, decalage: 18 });
            expect(page.items).toEqual(attendu.slice(18, 27));
            // With a status filter the page's own query counts; an empty page (past the end) leaves the count to the caller.
            expect(page.total).toBe(statut && page.items.length > 0 ? attendu.length : null);
          }
        }
      }
    });
  }
});

/** The order the list had when every marché was judged and sorted in memory: by the field, ties by id, both in `ordre`. */
function trierEnMemoire(marches: ConformiteMarche[], tri: (typeof TRIS_CONFORMITE)[number], ordre: 'asc' | 'desc'): ConformiteMarche[] {
  const sens = ordre === 'desc' ? -1 : 1;
  return [...marches].sort((a, b) => {
    const [x, y] = [a[tri], b[tri]];
    return (x < y ? -1 : x > y ? 1 : a.marcheId < b.marcheId ? -1 : 1) * sens;
  });
}

/** 120 marchés of one donneur d'ordre over 2023–2026 with avenants, closings, placements, hours and corrections, all dated up to today. */
async function enregistrerDesMarchesAuHasard(store: PostgresEventStore, alea: () => number, today: string): Promise<void> {
  const entier = (min: number, max: number) => min + Math.floor(alea() * (max - min + 1));
  const jour = (du: string, au: string) => {
    const [a, b] = [Date.parse(`${du}T00:00:00Z`), Date.parse(`${au}T00:00:00Z`)];
    return new Date(a + Math.floor(alea() * ((b - a) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
  };
  const moisDe = (d: string) => d.slice(0, 7);
  const evenement = (type: string, data: object, occurredAt: string): EventToAppend => ({
    eventId: randomUUID(),
    type,
    data,
    // Noon UTC is the same day in Paris: an avenant's `depuis` is this day.
    metadata: { schemaVersion: 1, occurredAt: `${occurredAt}T12:00:00.000Z`, userId: 'test', correlationId: randomUUID(), causationId: null },
  });
  const donneurOrdreId = randomUUID();
  const operationId = randomUUID();
  const entrepriseId = randomUUID();
  await store.appendToStream(`donneurordre-${donneurOrdreId}`, [evenement('DonneurOrdreEnregistre', { donneurOrdreId, nom: 'Ville', type: 'collectivite', region: 'BFC' }, '2023-01-01')], 'no_stream');
  await store.appendToStream(`operation-${operationId}`, [evenement('OperationOuverte', { operationId, donneurOrdreId, nom: 'Op', commune: 'Dijon' }, '2023-01-01')], 'no_stream');
  await store.appendToStream(`entreprise-${entrepriseId}`, [evenement('EntrepriseEnregistree', { entrepriseId, siret: '73282932000074', raisonSociale: 'BTP SA', type: 'classique' }, '2023-01-01')], 'no_stream');
  for (let i = 0; i < 120; i++) {
    const marcheId = randomUUID();
    const dateDebut = jour('2023-01-01', '2025-12-31');
    let dateFin = jour(dateDebut, '2026-12-31');
    // A few share a number (ties broken by id), a few require nothing (no division by zero).
    const heuresPrevues = i % 17 === 0 ? 0 : entier(1, 4000) + entier(0, 99) / 100;
    const enregistre = jour('2023-01-01', dateDebut < today ? dateDebut : today);
    const marche: EventToAppend[] = [
      evenement(
        'MarcheEnregistre',
        { marcheId, donneurOrdreId, operationId, numero: `M-${String(i % 100).padStart(3, '0')}`, objet: `Lot ${i}`, secteur: 'btp', baseJuridique: 'L2112-2', heuresPrevues, dateDebut, dateFin },
        enregistre,
      ),
    ];
    let prevues = heuresPrevues;
    for (let a = entier(0, 2); a > 0; a--) {
      const nouvelles = entier(1, 5000);
      const nouvelleFin = jour(dateDebut, '2027-06-30');
      marche.push(evenement('AvenantConclu', { marcheId, heuresPrevues: nouvelles, dateFin: nouvelleFin, motif: 'avenant', heuresPrevuesAvant: prevues, dateFinAvant: dateFin }, jour(enregistre, today)));
      [prevues, dateFin] = [nouvelles, nouvelleFin];
    }
    const cloture = alea() < 0.3 && dateDebut < today ? jour(dateDebut, today) : null;
    // Half the closings come before the hours, half after them (the realised hours are then recomputed).
    const clotureApres = alea() < 0.5;
    if (cloture && !clotureApres) marche.push(evenement('MarcheCloture', { marcheId, date: cloture }, cloture));
    await store.appendToStream(`marche-${marcheId}`, marche, 'no_stream');

    const salarieId = randomUUID();
    const placementId = randomUUID();
    const personne: EventToAppend[] = [
      evenement('SalarieEnregistre', { salarieId, sexe: 'F', trancheAge: '26_49', commune: 'Dijon', quartierQpv: null, niveauFormation: '3' }, '2023-01-01'),
      evenement('PlacementDemarre', { salarieId, placementId, marcheId, entrepriseId, entrepriseUtilisatriceId: null, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut }, dateDebut < today ? dateDebut : today),
    ];
    // Months from the start to today's month, some after the closing month (hours racing the closing).
    for (let mois = moisDe(dateDebut); mois <= moisDe(today); mois = moisSuivant(mois)) {
      if (alea() < 0.4) continue;
      const declarationId = randomUUID();
      const heures = entier(0, 160) + entier(0, 99) / 100;
      personne.push(evenement('HeuresDeclarees', { salarieId, placementId, marcheId, declarationId, mois, heures }, today));
      if (alea() < 0.2) {
        personne.push(
          evenement('HeuresCorrigees', { salarieId, placementId, marcheId, declarationId, correctionId: randomUUID(), mois, heures: entier(0, 160), heuresPrecedentes: heures, motif: 'erreur' }, today),
        );
      }
    }
    await store.appendToStream(`salarie-${salarieId}`, personne, 'no_stream');
    if (cloture && clotureApres) await store.appendToStream(`marche-${marcheId}`, [evenement('MarcheCloture', { marcheId, date: cloture }, today)], 'any');
  }
}

function moisSuivant(mois: string): string {
  const [a, m] = mois.split('-').map(Number);
  return m === 12 ? `${a + 1}-01` : `${a}-${String(m + 1).padStart(2, '0')}`;
}

import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresEventStore } from '@suivi/event-store';
import { versionDuSchema } from '@suivi/domain';
import { createMigratedTestDatabase } from '../../../test/support/test-database';
import { allProjections } from './all-projections';
import { rebuildProjection } from './runtime/rebuild';
import { tablesOf } from './runtime/replay';
import { useSchema, type Projection } from './runtime/projection';

/**
 * Projections write a batch with a few multi-row statements; what they write must be what applying the events
 * one by one in log order writes. The same log is applied in batches of 1 event (one by one), of 3 (the tricky
 * pairs split across batches) and of the whole log (every pair in one batch), and rebuilt (several batches per
 * `apply`): the tables must be equal.
 */
describe('projections: a batch gives the tables of its events applied one by one', () => {
  let db: Awaited<ReturnType<typeof createMigratedTestDatabase>>;
  let store: PostgresEventStore;
  let dataSource: DataSource;

  const id = () => randomUUID();
  const [donneur, operation, m1, m2, e1, s1, s2, p1, p2, pInconnu, d1, d2, d3, d4, d5, d6, u1] = Array.from({ length: 17 }, id);
  let jour = 0;
  const append = async (streamId: string, type: string, data: Record<string, unknown>) => {
    // A day per event: the terms' and follow periods' days move with the log.
    const occurredAt = new Date(Date.UTC(2025, 0, 1 + jour++, 10)).toISOString();
    await store.appendToStream(
      streamId,
      [{ eventId: id(), type, data, metadata: { schemaVersion: versionDuSchema(type), occurredAt, userId: 'test', correlationId: id(), causationId: null } }],
      'any',
    );
  };
  const marche = (marcheId: string, numero: string) => ({
    marcheId,
    donneurOrdreId: donneur,
    operationId: operation,
    numero,
    objet: 'Réhabilitation',
    secteur: 'btp',
    sousSecteur: 'batiment',
    baseJuridique: 'L2112-2',
    heuresPrevues: 100,
    dateDebut: '2025-01-01',
    dateFin: '2025-12-31',
  });
  const heures = (placementId: string, marcheId: string, declarationId: string, mois: string, h: number) => ({
    salarieId: s1,
    placementId,
    marcheId,
    declarationId,
    mois,
    heures: h,
  });
  const correction = (declarationId: string, marcheId: string, mois: string, h: number, precedentes: number) => ({
    ...heures(p1, marcheId, declarationId, mois, h),
    correctionId: id(),
    heuresPrecedentes: precedentes,
    motif: 'erreur de saisie',
  });
  const salarie = (salarieId: string) => ({
    salarieId,
    nom: null,
    prenom: null,
    sexe: 'F',
    dateNaissance: null,
    adresse: null,
    trancheAge: '26_49',
    commune: 'Besançon',
    quartierQpv: 'Planoise',
    niveauFormation: '3',
  });

  beforeAll(async () => {
    db = await createMigratedTestDatabase('batch_equivalence');
    store = new PostgresEventStore({ connectionString: db.url });
    dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();

    // Given a log where rows are written and then read, changed or overwritten a few events later:
    await append(`donneurordre-${donneur}`, 'DonneurOrdreEnregistre', { donneurOrdreId: donneur, nom: 'Région', type: 'collectivite', region: 'BFC' });
    await append(`operation-${operation}`, 'OperationOuverte', { operationId: operation, donneurOrdreId: donneur, nom: 'Quartier', commune: 'Dijon' });
    // a marché registered then amended twice (terms read the marché as amended), followed, stopped, followed again, closed;
    await append(`marche-${m1}`, 'MarcheEnregistre', marche(m1, 'M1'));
    await append(`marche-${m1}`, 'AvenantConclu', { marcheId: m1, heuresPrevues: 150, motif: 'x', heuresPrevuesAvant: 100, dateFinAvant: '2025-12-31' });
    await append(`marche-${m1}`, 'AvenantConclu', { marcheId: m1, dateFin: '2026-06-30', motif: 'y', heuresPrevuesAvant: 150, dateFinAvant: '2025-12-31' });
    await append(`marche-${m1}`, 'SuiviRegionalDemarre', { marcheId: m1 });
    await append(`marche-${m1}`, 'SuiviRegionalArrete', { marcheId: m1 });
    await append(`marche-${m1}`, 'SuiviRegionalDemarre', { marcheId: m1 });
    await append(`marche-${m2}`, 'MarcheEnregistre', { ...marche(m2, 'M2'), sousSecteur: undefined, secteur: 'services' });
    await append(`entreprise-${e1}`, 'EntrepriseEnregistree', { entrepriseId: e1, siret: '73282932000074', raisonSociale: 'Bâtir SA', type: 'entreprise_classique' });
    await append(`salarie-${s1}`, 'SalarieEnregistre', salarie(s1));
    await append(`salarie-${s1}`, 'EligibiliteValidee', { salarieId: s1, criteres: ['deld', 'qpv_sans_emploi'], dateValidation: '2025-01-10', precision: null, validePar: 'f' });
    // a placement started, hours declared on it (their entreprise read from it), corrected twice (the last wins),
    // more hours the same month, hours on an unknown placement (ignored) and their correction;
    await append(`salarie-${s1}`, 'PlacementDemarre', {
      salarieId: s1, placementId: p1, marcheId: m1, entrepriseId: e1, entrepriseUtilisatriceId: null, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-02-01',
    });
    await append(`salarie-${s1}`, 'HeuresDeclarees', heures(p1, m1, d1, '2025-03', 10));
    await append(`salarie-${s1}`, 'HeuresCorrigees', correction(d1, m1, '2025-03', 12, 10));
    await append(`salarie-${s1}`, 'HeuresDeclarees', heures(p1, m1, d2, '2025-03', 5));
    await append(`salarie-${s1}`, 'HeuresCorrigees', correction(d1, m1, '2025-03', 7.5, 12));
    await append(`salarie-${s1}`, 'HeuresDeclarees', heures(pInconnu, m1, d3, '2025-04', 3));
    await append(`salarie-${s1}`, 'HeuresCorrigees', correction(d3, m1, '2025-04', 4, 3));
    // a placement started and ended, then hours declared on it; the first one ended;
    await append(`salarie-${s1}`, 'PlacementDemarre', {
      salarieId: s1, placementId: p2, marcheId: m2, entrepriseId: e1, entrepriseUtilisatriceId: e1, modalite: 'mise_a_disposition', typeContrat: 'cdd', dateDebut: '2025-03-01',
    });
    await append(`salarie-${s1}`, 'PlacementTermine', {
      salarieId: s1, placementId: p2, marcheId: m2, dateFin: '2025-03-31', sortie: 'cdi', sortiePositive: true, categorieSortie: 'emploi_durable',
    });
    await append(`salarie-${s1}`, 'HeuresDeclarees', heures(p2, m2, d4, '2025-03', 20));
    // a marché closed right after hours of its closing month (realised), then hours of the next month (not realised);
    await append(`marche-${m2}`, 'MarcheCloture', { marcheId: m2, date: '2025-03-20' });
    await append(`salarie-${s1}`, 'HeuresDeclarees', heures(p2, m2, d6, '2025-04', 9));
    await append(`salarie-${s1}`, 'PlacementTermine', {
      salarieId: s1, placementId: p1, marcheId: m1, dateFin: '2025-04-30', sortie: 'abandon', sortiePositive: false, categorieSortie: 'autre',
    });
    await append(`marche-${m1}`, 'MarcheCloture', { marcheId: m1, date: '2025-06-15' });
    // after the closing, hours of a later month (not realised) and corrections of both months;
    await append(`salarie-${s1}`, 'HeuresDeclarees', heures(p1, m1, d5, '2025-07', 6));
    await append(`salarie-${s1}`, 'HeuresCorrigees', correction(d5, m1, '2025-07', 8, 6));
    await append(`salarie-${s1}`, 'HeuresCorrigees', correction(d2, m1, '2025-03', 6, 5));
    // a person registered then erased; objectives set twice for a year (the last wins); a user created then changed.
    await append(`salarie-${s2}`, 'SalarieEnregistre', salarie(s2));
    await append(`salarie-${s2}`, 'SalarieEfface', { salarieId: s2, motif: 'autre' });
    await append('objectifs-2025', 'ObjectifsFixes', { annee: 2025, heures: 1000, partQpvPersonnes: 0.3, personnesEnEmploi: 10 });
    await append('objectifs-2026', 'ObjectifsFixes', { annee: 2026, heures: 2000, partQpvPersonnes: 0.35, personnesEnEmploi: 20 });
    await append('objectifs-2025', 'ObjectifsFixes', { annee: 2025, heures: 1200.5, partQpvPersonnes: 0.4, personnesEnEmploi: 12 });
    await append(`utilisateur-${u1}`, 'UtilisateurCree', { utilisateurId: u1, identifiant: 'camille', role: 'facilitatrice', donneurOrdreId: null, empreinteMotDePasse: 'x' });
    await append(`utilisateur-${u1}`, 'RoleUtilisateurModifie', { utilisateurId: u1, role: 'acheteur', donneurOrdreId: donneur });
    await append(`utilisateur-${u1}`, 'UtilisateurDesactive', { utilisateurId: u1 });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await db?.drop();
  });

  /** Every row of every table of the projection's schema, as sorted JSON texts per table. */
  async function contents(projection: Projection): Promise<Record<string, string[]>> {
    const tables = await tablesOf(dataSource.manager, projection.schema);
    const result: Record<string, string[]> = {};
    for (const table of tables) {
      const rows: Array<{ r: string }> = await dataSource.query(`SELECT to_jsonb(t)::text AS r FROM "${projection.schema}"."${table}" t`);
      result[table] = rows.map((row) => row.r).sort();
    }
    return result;
  }

  /** Empties the projection's tables and applies the whole log to them in batches of `size` events, one transaction each. */
  async function appliedBy(projection: Projection, size: number): Promise<Record<string, string[]>> {
    const tables = await tablesOf(dataSource.manager, projection.schema);
    await dataSource.query(`TRUNCATE ${tables.map((t) => `"${projection.schema}"."${t}"`).join(', ')}`);
    const events = await store.readAll({ after: 0, maxCount: 10_000 });
    for (let i = 0; i < events.length; i += size) {
      await dataSource.transaction(async (tx) => {
        await useSchema(tx, projection.schema);
        await projection.apply(events.slice(i, i + size), tx);
      });
    }
    return contents(projection);
  }

  /** The schema's indexes as `pg_indexes` shows them (names and definitions, the schema left out). */
  const indexesOf = async (schema: string): Promise<string[]> =>
    (await dataSource.query(`SELECT indexname, replace(indexdef, $1, '') AS d FROM pg_indexes WHERE schemaname = $2 ORDER BY 1`, [`${schema}.`, schema])).map(
      (r: { indexname: string; d: string }) => `${r.indexname}: ${r.d}`,
    );

  for (const projection of allProjections()) {
    it(`${projection.name}: when applied in batches of 1, 3 and the whole log, and rebuilt, then its tables are the same`, async () => {
      const migrated = await indexesOf(projection.schema);
      const oneByOne = await appliedBy(projection, 1);
      expect(Object.values(oneByOne).some((rows) => rows.length > 0)).toBe(true);
      expect(await appliedBy(projection, 3)).toEqual(oneByOne);
      expect(await appliedBy(projection, 10_000)).toEqual(oneByOne);
      await rebuildProjection(projection, store, dataSource, db.url, { batchSize: 2, standbyRetryMs: 50, log: () => undefined });
      expect(await contents(projection)).toEqual(oneByOne);
      // The rebuild builds the secondary indexes after its replay: the switched schema has the migrations' ones.
      expect(await indexesOf(projection.schema)).toEqual(migrated);
    });
  }

  it('indicateurs: when the log is one batch, then each row is the one the events in order give', async () => {
    const [indicateurs] = allProjections().filter((p) => p.name === 'indicateurs');
    await rebuildProjection(indicateurs, store, dataSource, db.url, { batchSize: 10_000, standbyRetryMs: 50, log: () => undefined });
    const q = (sql: string) => dataSource.query(sql);
    expect(await q(`SELECT id, entreprise_id, centiemes, centiemes_declares FROM indicateurs.declarations ORDER BY centiemes_declares`)).toEqual([
      { id: d2, entreprise_id: e1, centiemes: '600', centiemes_declares: '500' },
      { id: d5, entreprise_id: e1, centiemes: '800', centiemes_declares: '600' },
      { id: d6, entreprise_id: e1, centiemes: '900', centiemes_declares: '900' },
      { id: d1, entreprise_id: e1, centiemes: '750', centiemes_declares: '1000' },
      { id: d4, entreprise_id: e1, centiemes: '2000', centiemes_declares: '2000' },
    ]);
    expect(await q(`SELECT marche_id, mois, centiemes FROM indicateurs.heures_marche_mois ORDER BY centiemes`)).toEqual([
      { marche_id: m1, mois: '2025-07', centiemes: '800' },
      { marche_id: m2, mois: '2025-04', centiemes: '900' },
      { marche_id: m1, mois: '2025-03', centiemes: '1350' },
      { marche_id: m2, mois: '2025-03', centiemes: '2000' },
    ]);
    // Realised: every month up to the closing month (June for M1, March for M2) once closed.
    expect(await q(`SELECT id, centiemes_realises FROM indicateurs.marches ORDER BY numero`)).toEqual([
      { id: m1, centiemes_realises: '1350' },
      { id: m2, centiemes_realises: '2000' },
    ]);
    expect(await q(`SELECT id, date_fin, sortie FROM indicateurs.placements ORDER BY date_debut`)).toEqual([
      { id: p1, date_fin: '2025-04-30', sortie: 'abandon' },
      { id: p2, date_fin: '2025-03-31', sortie: 'cdi' },
    ]);
    expect(await q(`SELECT heures_prevues_centiemes, date_fin FROM indicateurs.termes_marches WHERE marche_id = '${m1}' ORDER BY position`)).toEqual([
      { heures_prevues_centiemes: '10000', date_fin: '2025-12-31' },
      { heures_prevues_centiemes: '15000', date_fin: '2025-12-31' },
      { heures_prevues_centiemes: '15000', date_fin: '2026-06-30' },
    ]);
    expect(await q(`SELECT suivi_regional, date_cloture FROM indicateurs.marches ORDER BY numero`)).toEqual([
      { suivi_regional: true, date_cloture: '2025-06-15' },
      { suivi_regional: false, date_cloture: '2025-03-20' },
    ]);
    expect(await q(`SELECT criteres FROM indicateurs.eligibilites`)).toEqual([{ criteres: ['deld', 'qpv_sans_emploi'] }]);
    expect(await q(`SELECT annee, heures::float8 AS heures FROM indicateurs.objectifs ORDER BY annee`)).toEqual([
      { annee: 2025, heures: 1200.5 },
      { annee: 2026, heures: 2000 },
    ]);
  });

  it('coordination-regionale and annuaire: when the log is one batch, then hours add up and the erased person has no name', async () => {
    for (const projection of allProjections().filter((p) => ['coordination-regionale', 'annuaire'].includes(p.name))) {
      await rebuildProjection(projection, store, dataSource, db.url, { batchSize: 10_000, standbyRetryMs: 50, log: () => undefined });
    }
    expect(await dataSource.query(`SELECT marche_id, mois, centiemes FROM coordination.heures ORDER BY mois, centiemes`)).toEqual([
      { marche_id: m1, mois: '2025-03', centiemes: '1350' },
      { marche_id: m2, mois: '2025-03', centiemes: '2000' },
      // the hours on an unknown placement count here: this read model sums the events, it has no placements
      { marche_id: m1, mois: '2025-04', centiemes: '400' },
      { marche_id: m2, mois: '2025-04', centiemes: '900' },
      { marche_id: m1, mois: '2025-07', centiemes: '800' },
    ]);
    expect(await dataSource.query(`SELECT date_cloture FROM coordination.marches ORDER BY numero`)).toEqual([{ date_cloture: '2025-06-15' }, { date_cloture: '2025-03-20' }]);
    expect(await dataSource.query(`SELECT du IS NOT NULL AS du, au IS NULL AS ouverte FROM coordination.periodes_suivi ORDER BY position`)).toEqual([
      { du: true, ouverte: false },
      { du: true, ouverte: true },
    ]);
    expect(await dataSource.query(`SELECT id, efface FROM annuaire.salaries ORDER BY position`)).toEqual([
      { id: s1, efface: false },
      { id: s2, efface: true },
    ]);
  });
});

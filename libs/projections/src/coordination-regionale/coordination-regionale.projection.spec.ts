import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresEventStore } from '@suivi/event-store';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { rebuildProjection } from '../runtime/rebuild';
import { ENTITES_COORDINATION } from './coordination-regionale.entities';
import { CoordinationRegionaleProjection } from './coordination-regionale.projection';
import { indicateursCoordination, marchesSuivis } from './coordination-regionale.queries';

/**
 * The coordination's history (issue 13): a marché counts for the coordination in a period it was followed
 * during, from the day of its SuiviRegionalDemarre (included) to that of its SuiviRegionalArrete (excluded),
 * even if it is no longer followed; and the terms of a past date are those in force then.
 */
describe('coordination-regionale projection: follow periods and terms history', () => {
  it('counts a marché in 2025, when it was followed, not in 2026 after it stopped', async () => {
    const db = await createMigratedTestDatabase('periodes_suivi');
    const store = new PostgresEventStore({ connectionString: db.url });
    const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: ENTITES_COORDINATION }).initialize();
    try {
      const [marcheId, salarieId, placementId, donneurOrdreId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const e = (type: string, data: object, occurredAt: string) => ({
        eventId: randomUUID(),
        type,
        data,
        metadata: { schemaVersion: 1, occurredAt, userId: 't', correlationId: randomUUID(), causationId: null },
      });
      await store.appendToStream(
        `donneurordre-${donneurOrdreId}`,
        [e('DonneurOrdreEnregistre', { donneurOrdreId, nom: 'Région', type: 'collectivite', region: 'BFC' }, '2024-11-02T09:00:00Z')],
        'no_stream',
      );
      await store.appendToStream(
        `marche-${marcheId}`,
        [
          e(
            'MarcheEnregistre',
            { marcheId, donneurOrdreId, operationId: randomUUID(), numero: 'M1', objet: 'o', secteur: 'services', baseJuridique: 'L2112-2', heuresPrevues: 100, dateDebut: '2025-01-01', dateFin: '2025-12-31' },
            '2024-12-01T09:00:00Z',
          ),
          e('SuiviRegionalDemarre', { marcheId }, '2025-02-01T09:00:00Z'),
          // 23:30 UTC on November 29th is November 30th in Paris: the day the follow stops.
          e('SuiviRegionalArrete', { marcheId }, '2025-11-29T23:30:00Z'),
          e('AvenantConclu', { marcheId, heuresPrevues: 300, motif: 'm', heuresPrevuesAvant: 100, dateFinAvant: '2025-12-31' }, '2026-02-10T09:00:00Z'),
        ],
        'no_stream',
      );
      await store.appendToStream(
        `salarie-${salarieId}`,
        [e('HeuresDeclarees', { salarieId, placementId, marcheId, declarationId: randomUUID(), mois: '2025-03', heures: 50 }, '2025-04-02T09:00:00Z')],
        'no_stream',
      );
      await rebuildProjection(new CoordinationRegionaleProjection(), store, dataSource, db.url, { batchSize: 10, standbyRetryMs: 50, log: () => undefined });

      const en2025 = await indicateursCoordination(dataSource.manager, { du: '2025-01-01', au: '2025-12-31' }, '2025-12-31', 0.1);
      expect(en2025).toMatchObject({ marchesSuivis: 1, heuresRealisees: 50, heuresPrevues: 100 });
      const en2026 = await indicateursCoordination(dataSource.manager, { du: '2026-01-01', au: '2026-12-31' }, '2026-06-30', 0.1);
      expect(en2026).toMatchObject({ marchesSuivis: 0, heuresRealisees: 0 });

      expect((await marchesSuivis(dataSource.manager, '2025-01-31', 0.1)).map((m) => m.marcheId)).toEqual([]);
      expect((await marchesSuivis(dataSource.manager, '2025-02-01', 0.1)).map((m) => m.marcheId)).toEqual([marcheId]);
      expect((await marchesSuivis(dataSource.manager, '2025-11-29', 0.1)).map((m) => m.marcheId)).toEqual([marcheId]);
      expect((await marchesSuivis(dataSource.manager, '2025-11-30', 0.1)).map((m) => m.marcheId)).toEqual([]);
      // Terms at the date: the avenant of February 2026 does not apply to 2025.
      const [juin] = await marchesSuivis(dataSource.manager, '2025-06-30', 0.1);
      expect(juin).toMatchObject({ heuresPrevues: 100, heuresRealisees: 50 });
    } finally {
      await dataSource.destroy();
      await store.close();
      await db.drop();
    }
  });
});

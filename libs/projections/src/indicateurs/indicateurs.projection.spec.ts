import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresEventStore } from '@suivi/event-store';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { rebuildProjection } from '../runtime/rebuild';
import { ENTITES_INDICATEURS } from './indicateurs.entities';
import { IndicateursProjection } from './indicateurs.projection';
import { CoordinationRegionaleProjection } from '../coordination-regionale/coordination-regionale.projection';
import { ENTITES_COORDINATION } from '../coordination-regionale/coordination-regionale.entities';
import { marchesSuivis } from '../coordination-regionale/coordination-regionale.queries';
import { conformites } from './conformites.queries';

/**
 * Hours that reached a marché after its closing (the race ADR 0001 accepts) are not hidden:
 * the compliance read model reports them so that a facilitatrice corrects them.
 */
describe('indicateurs projection: hours after a closing', () => {
  it('reports the hours of months after the closing month', async () => {
    const db = await createMigratedTestDatabase('apres_cloture');
    const store = new PostgresEventStore({ connectionString: db.url });
    const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [...ENTITES_INDICATEURS, ...ENTITES_COORDINATION] }).initialize();
    try {
      const [marcheId, salarieId, placementId, donneurOrdreId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const meta = { schemaVersion: 1, occurredAt: new Date().toISOString(), userId: 't', correlationId: randomUUID(), causationId: null };
      const e = (type: string, data: object) => ({ eventId: randomUUID(), type, data, metadata: meta });
      await store.appendToStream(
        `donneurordre-${donneurOrdreId}`,
        [e('DonneurOrdreEnregistre', { donneurOrdreId, nom: 'Région', type: 'collectivite', region: 'BFC' })],
        'no_stream',
      );
      await store.appendToStream(
        `marche-${marcheId}`,
        [
          e('MarcheEnregistre', {
            marcheId,
            donneurOrdreId,
            operationId: randomUUID(),
            numero: 'M1',
            objet: 'o',
            secteur: 'btp',
            baseJuridique: 'L2112-2',
            heuresPrevues: 100,
            dateDebut: '2025-01-01',
            dateFin: '2025-12-31',
          }),
          e('SuiviRegionalDemarre', { marcheId }),
          e('MarcheCloture', { marcheId, date: '2025-06-15' }),
        ],
        'no_stream',
      );
      await store.appendToStream(
        `salarie-${salarieId}`,
        [
          e('PlacementDemarre', { salarieId, placementId, marcheId, entrepriseId: randomUUID(), entrepriseUtilisatriceId: null, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-02-01' }),
          e('HeuresDeclarees', { salarieId, placementId, marcheId, declarationId: randomUUID(), mois: '2025-06', heures: 60 }),
          e('HeuresDeclarees', { salarieId, placementId, marcheId, declarationId: randomUUID(), mois: '2025-07', heures: 12.5 }),
        ],
        'no_stream',
      );
      await rebuildProjection(new IndicateursProjection(), store, dataSource, db.url, { batchSize: 10, standbyRetryMs: 50, log: () => undefined });
      const [marche] = await conformites(dataSource.manager, { marcheId }, '2025-12-31', 0.1);
      expect(marche).toMatchObject({ statut: 'non_atteint', heuresRealisees: 60, heuresApresCloture: 12.5, heuresManquantes: 40 });
      // The coordination's own projection answers the same compliance (one definition: conformiteALaDate).
      await rebuildProjection(new CoordinationRegionaleProjection(), store, dataSource, db.url, { batchSize: 10, standbyRetryMs: 50, log: () => undefined });
      const [suivi] = await marchesSuivis(dataSource.manager, '2025-12-31', 0.1);
      const { marcheId: _m, numero: _n, objet: _o, secteur: _s, donneurOrdreId: _d, operationId: _op, suiviRegional: _sr, ...commun } = marche;
      expect(suivi).toMatchObject(commun);
    } finally {
      await dataSource.destroy();
      await store.close();
      await db.drop();
    }
  });
});

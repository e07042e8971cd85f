import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UPCASTERS_DU_DOMAINE } from '@suivi/domain';
import { PostgresEventStore } from '@suivi/event-store';
import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { rebuildProjection } from '../runtime/rebuild';
import { ENTITES_INDICATEURS } from './indicateurs.entities';
import { IndicateursProjection } from './indicateurs.projection';
import { calculerIndicateurs } from './indicateurs.queries';

/**
 * The indicators keep the age band at registration, never the birth date nor the identity: a version-2
 * SalarieEnregistre without any identity field (as once it is encrypted apart, or erased) projects, and a
 * version-1 one (birth date in clear, no band) projects with the band its upcaster gives (the age on the
 * Paris day of its occurredAt). moins26Ans and plus50Ans count the bands, whatever the age in the period.
 */
describe('indicateurs projection: the age band at registration', () => {
  it('stores trancheAge, reads no identity field, and counts people by their band', async () => {
    const db = await createMigratedTestDatabase('tranche_age_projection');
    const store = new PostgresEventStore({ connectionString: db.url, upcasters: UPCASTERS_DU_DOMAINE });
    const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: ENTITES_INDICATEURS }).initialize();
    try {
      const meta = (schemaVersion: number, occurredAt = new Date().toISOString()) => ({ schemaVersion, occurredAt, userId: 't', correlationId: randomUUID(), causationId: null });
      const e = (type: string, data: object, metadata = meta(2)) => ({ eventId: randomUUID(), type, data, metadata });
      const [marcheId, donneurOrdreId, entrepriseId] = [randomUUID(), randomUUID(), randomUUID()];
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
            heuresPrevues: 1000,
            dateDebut: '2025-01-01',
            dateFin: '2025-12-31',
          }),
        ],
        'no_stream',
      );
      const statistiques = { sexe: 'F', commune: 'Dijon', quartierQpv: null, niveauFormation: '3' };
      // Only the statistics fields: the identity is not in the event's data at all.
      const personnes = [
        { id: randomUUID(), enregistre: e('SalarieEnregistre', { ...statistiques, trancheAge: 'moins_26' }) },
        { id: randomUUID(), enregistre: e('SalarieEnregistre', { ...statistiques, trancheAge: '50_plus' }) },
        { id: randomUUID(), enregistre: e('SalarieEnregistre', { ...statistiques, trancheAge: '26_49' }) },
        // Version 1: 49 on the day it occurred (50 on 2025-06-15, before its hours of July): 26_49.
        {
          id: randomUUID(),
          enregistre: e('SalarieEnregistre', { ...statistiques, nom: 'N', prenom: 'P', dateNaissance: '1975-06-15', adresse: null }, meta(1, '2025-01-10T09:00:00.000Z')),
        },
        // Version 1: 25 on the Paris day it occurred (26 on 2025-04-10, before its hours): moins_26.
        {
          id: randomUUID(),
          enregistre: e('SalarieEnregistre', { ...statistiques, nom: 'N', prenom: 'P', dateNaissance: '1999-04-10', adresse: '1 rue', sexe: 'M' }, meta(1, '2025-04-09T21:59:00.000Z')),
        },
      ];
      for (const [i, p] of personnes.entries()) {
        const placementId = randomUUID();
        await store.appendToStream(
          `salarie-${p.id}`,
          [
            { ...p.enregistre, data: { ...p.enregistre.data, salarieId: p.id } },
            e('PlacementDemarre', { salarieId: p.id, placementId, marcheId, entrepriseId, entrepriseUtilisatriceId: null, modalite: 'embauche_directe', typeContrat: 'cdi', dateDebut: '2025-02-01' }),
            e('HeuresDeclarees', { salarieId: p.id, placementId, marcheId, declarationId: randomUUID(), mois: '2025-07', heures: 10 + i }),
          ],
          'no_stream',
        );
      }
      await rebuildProjection(new IndicateursProjection(), store, dataSource, db.url, { batchSize: 4, standbyRetryMs: 50, log: () => undefined });

      const rows: Array<{ id: string; tranche_age: string }> = await dataSource.query(`SELECT id, tranche_age FROM indicateurs.salaries`);
      const bandes = new Map(rows.map((r) => [r.id, r.tranche_age]));
      expect(personnes.map((p) => bandes.get(p.id))).toEqual(['moins_26', '50_plus', '26_49', '26_49', 'moins_26']);
      const colonnes: Array<{ column_name: string }> = await dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'indicateurs' AND table_name = 'salaries' ORDER BY column_name`,
      );
      expect(colonnes.map((c) => c.column_name)).toEqual(['commune', 'id', 'niveau_formation', 'quartier_qpv', 'sexe', 'tranche_age']);

      // In July 2025 the first version-1 person is 50 and the second 26: they count by their band at registration.
      const indicateurs = await calculerIndicateurs(dataSource.manager, { du: '2025-07-01', au: '2025-07-31' });
      expect(indicateurs).toMatchObject({ salaries: 5, moins26Ans: 2, plus50Ans: 1, partMoins26Ans: 0.4, partPlus50Ans: 0.2 });
    } finally {
      await dataSource.destroy();
      await store.close();
      await db.drop();
    }
  });
});

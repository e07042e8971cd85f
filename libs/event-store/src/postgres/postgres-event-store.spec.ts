import { createMigratedTestDatabase } from '../../../../test/support/test-database';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

let db: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  db = await createMigratedTestDatabase('event_store');
});
afterAll(async () => {
  await db?.drop();
});

describeEventStoreContract('postgresql', async (options) => {
  return new PostgresEventStore({ connectionString: db.url, upcasters: options?.upcasters });
});

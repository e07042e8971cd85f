import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const url = process.env.EVENTSTORE_URL;
if (!url) {
  // eslint-disable-next-line no-console
  console.log(
    'EventStoreDB contract suite not run: set EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false) to run it against a real server; none can run on this machine.',
  );
}

(url ? describe : describe.skip)('EventStoreDB adapter (EVENTSTORE_URL)', () => {
  describeEventStoreContract(
    'eventstoredb',
    async (options) => new EventStoreDbEventStore({ connectionString: url!, upcasters: options?.upcasters }),
    { atomicMultiStreamAppend: false },
  );
});

import { createEsdbEventStore } from '../../src/adapters/eventStore/esdb/esdbEventStore';
import { describeEventStoreConformance } from './conformance';

if (process.env.EVENTSTORE_URL) {
  describeEventStoreConformance('EventStoreDB', () => Promise.resolve(createEsdbEventStore(process.env.EVENTSTORE_URL!)), { multiStream: false });
} else {
  describe.skip('EventStoreDB conformance (set EVENTSTORE_URL to run)', () => {
    it('is skipped', () => undefined);
  });
}

import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { sqlTargets } from '../support/databases';
import { describeEventStoreConformance } from './conformance';

for (const [name, openDb] of sqlTargets) {
  describeEventStoreConformance(name, async () => createPostgresEventStore(await openDb(), { ownsDatabase: true }), { multiStream: true });
}
if (sqlTargets.length === 1) {
  describe.skip('EventStore conformance: PostgreSQL (set DATABASE_URL to run)', () => {
    it('is skipped', () => undefined);
  });
}

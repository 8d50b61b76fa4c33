import type { LoneAppend } from '../../src/adapters/eventStore/postgres/appendBatcher';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { sqlTargets } from '../support/databases';
import { describeEventStoreConformance } from './conformance';

// Each store both ways a lone append can be sent (the default of each store is the other's alternative).
const loneAppends: LoneAppend[] = ['statement', 'function'];

for (const [name, openDb] of sqlTargets) {
  for (const loneAppend of loneAppends) {
    describeEventStoreConformance(`${name}, a lone append as a ${loneAppend}`, async () => createPostgresEventStore(await openDb(), { ownsDatabase: true, loneAppend }), { multiStream: true });
  }
}
if (sqlTargets.length === 1) {
  describe.skip('EventStore conformance: PostgreSQL (set DATABASE_URL to run)', () => {
    it('is skipped', () => undefined);
  });
}

import type { LoneAppend } from '../../src/adapters/eventStore/postgres/appendBatcher';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { sqlTargets } from '../support/databases';
import { describeEventStoreConformance } from './conformance';

// PGlite both ways an append that is not batched can be sent (by default plain statements, which only a
// database of one connection may use); PostgreSQL through its functions.
const loneAppendsOn = (name: string): LoneAppend[] => (name === 'PGlite' ? ['statement', 'function'] : ['function']);

for (const [name, openDb] of sqlTargets) {
  for (const loneAppend of loneAppendsOn(name)) {
    describeEventStoreConformance(`${name}, a lone append as a ${loneAppend}`, async () => createPostgresEventStore(await openDb(), { ownsDatabase: true, loneAppend }), { multiStream: true });
  }
}
if (sqlTargets.length === 1) {
  describe.skip('EventStore conformance: PostgreSQL (set DATABASE_URL to run)', () => {
    it('is skipped', () => undefined);
  });
}

const postgres = sqlTargets.find(([name]) => name === 'PostgreSQL');
(postgres ? describe : describe.skip)('plain-statement appends on PostgreSQL', () => {
  it('are refused: they take no stream locks, which a server of many sessions needs', async () => {
    const db = await postgres![1]();
    try {
      await expect(createPostgresEventStore(db, { loneAppend: 'statement' })).rejects.toThrow('only on PGlite');
    } finally {
      await db.close();
    }
  });
});

import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { EventStore, StoredEvent } from '../../src/application/ports/eventStore';
import { openIsolatedPostgres, postgresUrl } from '../support/databases';

const describePg = postgresUrl ? describe : describe.skip;

describePg('PostgreSQL global order with a transaction that commits late', () => {
  let store: EventStore;
  let schema: string;

  beforeAll(async () => {
    const db = await openIsolatedPostgres();
    schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    store = await createPostgresEventStore(db, { ownsDatabase: true });
  });
  afterAll(() => store.close());

  it('never skips an event whose transaction commits after a later position was read', async () => {
    const head = await store.headPosition();
    const slow = new Client({ connectionString: postgresUrl, options: `-c search_path=${schema}` });
    await slow.connect();
    const late = `booking-${randomUUID()}`;
    const early = `booking-${randomUUID()}`;
    const payload = (type: string) => JSON.stringify([{ id: randomUUID(), type, schemaVersion: 1, data: {}, metadata: { occurredAt: new Date().toISOString() } }]);
    const mine = (events: StoredEvent[]) => events.filter((e) => e.streamId === late || e.streamId === early).map((e) => e.type);
    try {
      // The slow writer takes its transaction id and global position first, then stalls before COMMIT.
      await slow.query('BEGIN');
      await slow.query(`SELECT * FROM bl_append($1, 'no_stream', 0, $2::jsonb)`, [late, payload('WrittenFirstCommittedLast')]);

      // A second writer gets a later position and commits at once.
      await store.appendToStream(early, [{ type: 'WrittenSecondCommittedFirst', schemaVersion: 1, data: {}, metadata: { occurredAt: new Date().toISOString() } }]);

      // A reader must not move past the open transaction: the committed later event is held back too.
      expect(mine(await store.readAll({ after: head }))).toEqual([]);

      await slow.query('COMMIT');
      // Other test files share this server and may hold a transaction for a moment: wait for the horizon to pass.
      const deadline = Date.now() + 5000;
      let seen = mine(await store.readAll({ after: head }));
      while (seen.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = mine(await store.readAll({ after: head }));
      }
      expect(seen).toEqual(['WrittenFirstCommittedLast', 'WrittenSecondCommittedFirst']);
    } finally {
      await slow.end();
    }
  });
});

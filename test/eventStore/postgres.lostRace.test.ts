import { randomBytes } from 'node:crypto';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { isConcurrencyError, type EventStore } from '../../src/application/ports/eventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { postgresUrl } from '../support/databases';

const describePg = postgresUrl ? describe : describe.skip;
const event = (n: number) => ({ type: 'Tested', schemaVersion: 1, data: { n, occurredAt: new Date().toISOString() }, metadata: { occurredAt: new Date().toISOString() } });

/**
 * A lost append race is an answer, not a broken connection: the session that got SQLSTATE BL409 goes
 * back to the pool and serves the next query (pg's pool.query destroyed it, so 20 racing appends opened
 * 20 sessions).
 */
describePg('PostgreSQL: a lost append race keeps its connection', () => {
  const schema = `race_${randomBytes(5).toString('hex')}`;
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await openPgDatabase(postgresUrl!, { schema, max: 1 });
    store = await createPostgresEventStore(db);
  });
  afterAll(async () => {
    await store?.close();
    await db?.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await db?.close();
  });

  const backendPid = async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  it('answers the conflict and serves the next query on the same session', async () => {
    await store.appendToStream('race-1', [event(1)], { expectedVersion: 'no_stream' });
    const before = await backendPid();
    const lost = await store.appendToStream('race-1', [event(2)], { expectedVersion: 'no_stream' }).catch((error: unknown) => error);
    expect(isConcurrencyError(lost)).toBe(true);
    expect(await backendPid()).toBe(before);
  });

  it('twenty appends racing on one stream: one wins, the others conflict, and one session served them all', async () => {
    const before = await backendPid();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => store.appendToStream('race-2', [event(n)], { expectedVersion: 'no_stream' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isConcurrencyError(r.reason))).toHaveLength(19);
    expect(await backendPid()).toBe(before);
  });
});

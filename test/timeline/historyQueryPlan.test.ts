import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import {
  createSqlEventHistory,
  eventsForCallsSql,
  eventsNamingUidSql,
  eventsRecordedBetweenSql,
} from '../../src/adapters/eventStore/postgres/sqlEventHistory';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { openIsolatedPostgres, postgresUrl } from '../support/databases';

const EVENTS = Number(process.env.TIMELINE_PLAN_EVENTS ?? 200_000);
const PER_CALL = 10;

/** A large history written straight into bl_events: 10 events per call, one uid per call, one event a second. */
const fillHistory = (db: SqlDatabase) =>
  db.query(
    `INSERT INTO bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
     SELECT 'booking-' || (g / ${PER_CALL}), g % ${PER_CALL} + 1, gen_random_uuid(), 'CalcomResponded', 1,
            CASE WHEN g % ${PER_CALL} = 1 THEN jsonb_build_object('uid', 'uid-' || (g / ${PER_CALL}), 'n', g) ELSE jsonb_build_object('n', g) END,
            jsonb_build_object('callId', 'call-' || (g / ${PER_CALL}), 'occurredAt', '2025-01-01T00:00:00Z'),
            timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'
       FROM generate_series(0, $1::int - 1) AS g`,
    [EVENTS],
  );

const plan = async (db: SqlDatabase, sql: string, params: unknown[]) =>
  (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');

/** No timings asserted (the benchmark is elsewhere): the plans show the history queries use their indexes. */
(postgresUrl ? describe : describe.skip)(`History queries on a large history (${EVENTS} events, PostgreSQL)`, () => {
  let db: SqlDatabase;

  beforeAll(async () => {
    db = await openIsolatedPostgres();
    await createPostgresEventStore(db);
    await fillHistory(db);
    await db.query('ANALYZE bl_events');
  }, 300_000);
  afterAll(() => db?.close());

  it('one call: an index scan on bl_events_call_id', async () => {
    const text = await plan(db, eventsForCallsSql, [['call-4242'], 10_001]);
    expect(text).toMatch(/Index Scan using bl_events_call_id|Bitmap Index Scan on bl_events_call_id/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('a uid: an index scan on bl_events_data_uid', async () => {
    const text = await plan(db, eventsNamingUidSql, ['uid-4242', 10_001]);
    expect(text).toMatch(/Index Scan using bl_events_data_uid|Bitmap Index Scan on bl_events_data_uid/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('a recorded-time range: an index scan on bl_events_recorded_at', async () => {
    const text = await plan(db, eventsRecordedBetweenSql, ['2025-01-01T01:00:00Z', '2025-01-01T01:10:00Z', 10_001]);
    expect(text).toMatch(/Index Scan using bl_events_recorded_at|Bitmap Index Scan on bl_events_recorded_at/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('answers with exactly the call’s events, and the calls naming a uid', async () => {
    const history = createSqlEventHistory(db);
    const events = await history.eventsForCalls(['call-4242'], { limit: 100 });
    expect(events).toHaveLength(PER_CALL);
    expect(new Set(events.map((e) => e.metadata.callId))).toEqual(new Set(['call-4242']));
    const naming = await history.eventsNamingUid('uid-4242', { limit: 100 });
    expect(naming.map((e) => e.metadata.callId)).toEqual(['call-4242']);
  });
});

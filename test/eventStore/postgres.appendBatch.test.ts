import { randomUUID } from 'node:crypto';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { isConcurrencyError, type EventStore } from '../../src/application/ports/eventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { openIsolatedPostgres, postgresUrl, sqlTargets } from '../support/databases';
import { everythingVisible } from '../support/everythingVisible';

const event = (n: number, id?: string) => ({ id, type: 'Tested', schemaVersion: 1, data: { n }, metadata: { occurredAt: '2031-01-01T00:00:00.000Z' } });

/**
 * Group commit (src/adapters/eventStore/postgres/appendBatcher.ts): appends that arrive while the allowed
 * number of append statements is running go together in one bl_append_batch statement, and each still
 * succeeds or fails on its own, exactly as it would alone.
 */
describe.each(sqlTargets)('appends that wait go together (%s)', (_name, open) => {
  let db: SqlDatabase;
  let store: EventStore;
  const statements: string[] = [];

  beforeAll(async () => {
    db = await open();
    // One append statement at a time: everything started while one runs waits and goes in the next batch.
    const counted: SqlDatabase = { ...db, query: (text, params) => (statements.push(text), db.query(text, params)) };
    store = await createPostgresEventStore(counted, { appendConcurrency: 1 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.close();
  });
  beforeEach(() => void statements.splice(0));
  const sent = (fn: string) => statements.filter((text) => text.includes(`FROM ${fn}(`)).length;
  /** Lone appends of one stream: bl_append, or one plain statement (plainStatementAppend.ts) on PGlite. */
  const sentAlone = () => statements.filter((text) => text.includes('FROM bl_append(') || (text.startsWith('WITH s1 AS (') && text.includes('INSERT INTO bl_events'))).length;

  it('given 40 appends started at once, when they settle, then all are stored by 2 statements: the first alone, the rest together', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, n) => store.appendToStream(`batch-a-${n}`, [event(n)], { expectedVersion: 'no_stream' })));
    expect(results.map((r) => r.nextExpectedVersion)).toEqual(Array.from({ length: 40 }, () => 1));
    expect([sentAlone(), sent('bl_append_batch')]).toEqual([1, 2]); // 1 alone, then 32 and 7 together
    for (let n = 0; n < 40; n += 1) expect((await store.readStream(`batch-a-${n}`)).map((e) => e.data)).toEqual([{ n }]);
  });

  it('returns each append its own position, the one readAll gives its last event', async () => {
    const head = await store.headPosition();
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => store.appendToStream(`batch-p-${n}`, [event(n), event(n + 100)])));
    // On the shared PostgreSQL another test file's open write transaction can hold readers back (pg_snapshot_xmin).
    await everythingVisible(db, store);
    const all = await store.readAll({ after: head, maxCount: 100_000 });
    for (const [n, result] of results.entries()) {
      const own = all.filter((e) => e.streamId === `batch-p-${n}`);
      expect(own.map((e) => e.data)).toEqual([{ n }, { n: n + 100 }]);
      expect(result.position).toBe(own[1]!.position);
    }
  });

  it('given a lost race in the batch, then only that append fails (a ConcurrencyError with the actual version) and the others are stored', async () => {
    await store.appendToStream('batch-taken', [event(0)]);
    const results = await Promise.allSettled([
      store.appendToStream('batch-b-first', [event(1)], { expectedVersion: 'no_stream' }),
      store.appendToStream('batch-b-1', [event(1)], { expectedVersion: 'no_stream' }),
      store.appendToStream('batch-taken', [event(2)], { expectedVersion: 'no_stream' }),
      store.appendToStream('batch-b-2', [event(3)], { expectedVersion: 'no_stream' }),
    ]);
    expect(sent('bl_append_batch')).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const lost = (results[2] as PromiseRejectedResult).reason as { streamId: string; actual: number };
    expect(isConcurrencyError(lost)).toBe(true);
    expect(lost).toMatchObject({ streamId: 'batch-taken', actual: 1 });
    expect((await store.readStream('batch-b-2')).map((e) => e.data)).toEqual([{ n: 3 }]);
    expect(await store.readStream('batch-taken')).toHaveLength(1);
  });

  it('given two appends to one stream in the batch, then they apply in the order they were made', async () => {
    await store.appendToStream('batch-first', [event(0)]);
    const [, one, two] = await Promise.all([
      store.appendToStream('batch-first', [event(1)]),
      store.appendToStream('batch-c', [event(1)], { expectedVersion: 'no_stream' }),
      store.appendToStream('batch-c', [event(2)], { expectedVersion: 1 }),
    ]);
    expect(sent('bl_append_batch')).toBe(1);
    expect([one!.nextExpectedVersion, two!.nextExpectedVersion]).toEqual([1, 2]);
    expect((await store.readStream('batch-c')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('given an append that fails for another reason, then it fails alone with the database error', async () => {
    const results = await Promise.allSettled([
      store.appendToStream('batch-d-first', [event(1)]),
      store.appendToStream('batch-d-1', [event(1)]),
      store.appendToStream('batch-d-bad', [event(2, 'not-a-uuid')]),
      store.appendToStream('batch-d-2', [event(3)]),
    ]);
    expect(sent('bl_append_batch')).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: '22P02', message: expect.stringContaining('uuid') });
    expect(await store.readStream('batch-d-bad')).toEqual([]);
    expect(await store.readStream('batch-d-2')).toHaveLength(1);
  });

  it('given an event the batch parameter cannot carry (a NUL that jsonb refuses), then only its append fails', async () => {
    const results = await Promise.allSettled([
      store.appendToStream('batch-f-first', [event(1)]),
      store.appendToStream('batch-f-1', [event(1)]),
      store.appendToStream('batch-f-nul', [{ ...event(2), data: { text: 'x\u0000y' } }]),
      store.appendToStream('batch-f-2', [event(3)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: '22P05' });
    expect(await store.readStream('batch-f-nul')).toEqual([]);
    expect((await store.readStream('batch-f-2')).map((e) => e.data)).toEqual([{ n: 3 }]);
  });

  it('keeps a several-stream append all or none inside a batch', async () => {
    await store.appendToStream('batch-e-held', [event(0)]);
    const results = await Promise.allSettled([
      store.appendToStream('batch-e-first', [event(1)]),
      store.appendToStreams!([
        { streamId: 'batch-e-new', events: [event(1)], expectedVersion: 'no_stream' },
        { streamId: 'batch-e-held', events: [event(2)], expectedVersion: 5 },
      ]),
      store.appendToStreams!([
        { streamId: 'batch-e-x', events: [event(3)], expectedVersion: 'no_stream' },
        { streamId: 'batch-e-y', events: [event(4)], expectedVersion: 'no_stream' },
      ]),
    ]);
    expect(sent('bl_append_batch')).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ streamId: 'batch-e-held', actual: 1 });
    expect(await store.readStream('batch-e-new')).toEqual([]); // rolled back with the stream that lost
    expect((results[2] as PromiseFulfilledResult<Array<{ nextExpectedVersion: number }>>).value.map((r) => r.nextExpectedVersion)).toEqual([1, 1]);
  });
});

const describePg = postgresUrl ? describe : describe.skip;

/**
 * Two statements that append to the same streams in opposite orders, each paused half-way by a row lock a
 * third session holds: without one lock order they would wait for each other in a circle, and PostgreSQL
 * would end one of them with a deadlock (40P01) after deadlock_timeout. bl_lock_streams takes every
 * stream's lock up front, in one order, so the second waits for the first instead.
 */
describePg('PostgreSQL: batches over the same streams in opposite orders', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await openIsolatedPostgres();
    const store = await createPostgresEventStore(db);
    for (const stream of ['order-s1', 'order-s2', 'order-x', 'order-y']) await store.appendToStream(stream, [event(0)]);
    await store.close();
  });
  afterAll(async () => db?.close());

  const units = (...streams: string[]) => JSON.stringify(streams.map((stream) => [{ stream, expected: 'any', version: 0, events: [event(1, randomUUID())] }]));
  const batch = (...streams: string[]) => db.query<{ unit_error_code: string | null }>('SELECT unit_error_code FROM bl_append_batch($1::jsonb)', [units(...streams)]);

  /** A third session holding the rows of order-x and order-y (FOR UPDATE) until `letGo`. */
  const holdRowsOfXAndY = async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const locked = new Promise<void>((resolve) => (holding = resolve));
    const done = db.transaction(async (tx) => {
      await tx.query("SELECT 1 FROM bl_streams WHERE stream_id IN ('order-x', 'order-y') FOR UPDATE");
      holding();
      await held;
    });
    await locked;
    return { letGo: () => (release(), done) };
  };

  it('given both paused half-way by a third session, when it lets go, then both finish without a deadlock', async () => {
    const third = await holdRowsOfXAndY();
    const first = batch('order-s1', 'order-x', 'order-s2');
    const second = batch('order-s2', 'order-y', 'order-s1');
    await new Promise((resolve) => setTimeout(resolve, 300)); // both have started and wait
    await third.letGo();
    const results = await Promise.all([first, second]);
    expect(results.map(({ rows }) => rows.map((row) => row.unit_error_code))).toEqual([[null, null, null], [null, null, null]]);
  });

  it('given a batch and an append to several streams alone (bl_append_many), both paused, when the third lets go, then both finish', async () => {
    const third = await holdRowsOfXAndY();
    const first = batch('order-s1', 'order-x', 'order-s2');
    const appends = ['order-s2', 'order-y', 'order-s1'].map((stream) => ({ stream, expected: 'any', version: 0, events: [event(2, randomUUID())] }));
    const second = db.query<{ append_ord: number }>('SELECT append_ord FROM bl_append_many($1::jsonb)', [JSON.stringify(appends)]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // both have started and wait
    await third.letGo();
    const [batched, alone] = await Promise.all([first, second]);
    expect(batched.rows.map((row) => row.unit_error_code)).toEqual([null, null, null]);
    expect(alone.rows.map((row) => row.append_ord)).toEqual([1, 2, 3]);
  });
});

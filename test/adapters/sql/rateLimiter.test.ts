import { openPgDatabase } from '../../../src/adapters/sql/pgDatabase';
import type { SqlDatabase } from '../../../src/adapters/sql/sqlDatabase';
import { createSqlRateLimiter } from '../../../src/adapters/sql/sqlRateLimiter';
import { postgresUrl, sqlTargets, testSchemaName } from '../../support/databases';

describe.each(sqlTargets)('the Cal.com token bucket on %s', (name, open) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db.close());

  it('given a full bucket of 5, when 20 take at once, then exactly 5 get a token', async () => {
    const limiter = await createSqlRateLimiter(db, { perMinute: 0.0001, burst: 5 });
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.take('burst-of-20')));
    expect(results.filter((r) => r.taken)).toHaveLength(5);
    expect(Math.min(...results.map((r) => r.remaining))).toBeGreaterThanOrEqual(0);
  });

  it('given tokens held back (keep), then a take that would dip into them is refused', async () => {
    const limiter = await createSqlRateLimiter(db, { perMinute: 0.0001, burst: 4 });
    await expect(limiter.take('keep', { keep: 2 })).resolves.toMatchObject({ taken: true });
    await expect(limiter.take('keep', { keep: 2 })).resolves.toMatchObject({ taken: true });
    await expect(limiter.take('keep', { keep: 2 })).resolves.toMatchObject({ taken: false });
    await expect(limiter.take('keep')).resolves.toMatchObject({ taken: true });
  });

  it('given an empty bucket, when a minute passes, then it refilled at the rate, up to its size', async () => {
    const limiter = await createSqlRateLimiter(db, { perMinute: 3, burst: 10 });
    for (let i = 0; i < 10; i += 1) await limiter.take('refill');
    await expect(limiter.take('refill')).resolves.toMatchObject({ taken: false });
    await db.query("UPDATE bl_rate_limits SET updated_at = updated_at - interval '60 seconds' WHERE key = 'refill'");
    const after = await Promise.all(Array.from({ length: 6 }, () => limiter.take('refill')));
    expect(after.filter((r) => r.taken)).toHaveLength(3);
    await db.query("UPDATE bl_rate_limits SET updated_at = updated_at - interval '1 hour' WHERE key = 'refill'");
    const full = await Promise.all(Array.from({ length: 15 }, () => limiter.take('refill')));
    expect(full.filter((r) => r.taken)).toHaveLength(10);
  });

  if (name === 'PostgreSQL' && postgresUrl) {
    it('given three instances with pools of their own, when 60 take at once, then the shared bucket of 7 gives 7', async () => {
      const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
      const others = [await openPgDatabase(postgresUrl!, { schema }), await openPgDatabase(postgresUrl!, { schema })];
      try {
        const limiters: Array<Awaited<ReturnType<typeof createSqlRateLimiter>>> = [];
        for (const d of [db, ...others]) limiters.push(await createSqlRateLimiter(d, { perMinute: 0.0001, burst: 7 }));
        const results = await Promise.all(Array.from({ length: 60 }, (_, n) => limiters[n % 3]!.take('shared')));
        expect(results.filter((r) => r.taken)).toHaveLength(7);
      } finally {
        for (const d of others) await d.close();
      }
    });
  }
});

(postgresUrl ? describe : describe.skip)('the shared tables when three instances start together on a fresh schema (PostgreSQL)', () => {
  it('creates them once, without a duplicate-type error', async () => {
    const { createSqlLeases } = await import('../../../src/adapters/sql/sqlLeases');
    const { createSqlUsedSignatures } = await import('../../../src/adapters/sql/sqlUsedSignatures');
    const { createSqlAdminSessions } = await import('../../../src/adapters/sql/sqlAdminSessions');
    const schema = testSchemaName();
    const dbs: Array<Awaited<ReturnType<typeof openPgDatabase>>> = [];
    try {
      dbs.push(...(await Promise.all([0, 1, 2].map(() => openPgDatabase(postgresUrl!, { schema })))));
      await Promise.all(
        dbs.flatMap((d) => [createSqlRateLimiter(d, { perMinute: 60, burst: 5 }), createSqlLeases(d), createSqlUsedSignatures(d), createSqlAdminSessions(d)]),
      );
      const { rows } = await dbs[0]!.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename IN ('bl_rate_limits', 'bl_leases', 'bl_used_signatures', 'bl_admin_sessions')",
        [schema],
      );
      expect(rows[0]!.n).toBe(4);
    } finally {
      await dbs[0]?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      for (const d of dbs) await d.close();
    }
  });
});

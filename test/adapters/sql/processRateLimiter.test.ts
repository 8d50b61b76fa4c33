import type { SqlDatabase } from '../../../src/adapters/sql/sqlDatabase';
import { createProcessRateLimiter } from '../../../src/adapters/sql/processRateLimiter';
import { openMemoryPglite } from '../../support/databases';

/**
 * On PGlite (one process owns the database) the Cal.com token bucket is counted in the process, with
 * the shared limiter's rules, and written back to bl_rate_limits, where the next start finds it.
 */
describe('the Cal.com token bucket counted in the process (PGlite)', () => {
  let db: SqlDatabase;
  let clock = Date.parse('2031-11-03T09:00:00.000Z');
  const now = () => clock;
  beforeAll(async () => {
    db = await openMemoryPglite();
  });
  afterAll(() => db.close());
  const writtenBack = () => new Promise((resolve) => setTimeout(resolve, 30));

  it('given a full bucket of 5, when 20 take at once, then exactly 5 get a token, and none of the takes waited for a statement', async () => {
    const limiter = await createProcessRateLimiter(db, { perMinute: 0.0001, burst: 5, now });
    let statements = 0;
    const query = db.query.bind(db);
    db.query = ((...args: Parameters<typeof query>) => ((statements += 1), query(...args))) as typeof db.query;
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => limiter.take('burst-of-20')));
      expect(results.filter((r) => r.taken)).toHaveLength(5);
      expect(Math.min(...results.map((r) => r.remaining))).toBeGreaterThanOrEqual(0);
      expect(statements).toBe(0);
    } finally {
      db.query = query;
    }
  });

  it('given tokens held back (keep), then a take that would dip into them is refused', async () => {
    const limiter = await createProcessRateLimiter(db, { perMinute: 0.0001, burst: 4, now });
    await expect(limiter.take('keep', { keep: 2 })).resolves.toMatchObject({ taken: true });
    await expect(limiter.take('keep', { keep: 2 })).resolves.toMatchObject({ taken: true });
    await expect(limiter.take('keep', { keep: 2 })).resolves.toMatchObject({ taken: false });
    await expect(limiter.take('keep')).resolves.toMatchObject({ taken: true });
  });

  it('given an empty bucket, when a minute passes, then it refilled at the rate, up to its size', async () => {
    const limiter = await createProcessRateLimiter(db, { perMinute: 3, burst: 10, now });
    for (let i = 0; i < 10; i += 1) await limiter.take('refill');
    await expect(limiter.take('refill')).resolves.toMatchObject({ taken: false });
    clock += 60_000;
    const after = await Promise.all(Array.from({ length: 6 }, () => limiter.take('refill')));
    expect(after.filter((r) => r.taken)).toHaveLength(3);
    clock += 3_600_000;
    const full = await Promise.all(Array.from({ length: 15 }, () => limiter.take('refill')));
    expect(full.filter((r) => r.taken)).toHaveLength(10);
  });

  it('given a bucket emptied and written back, when the process starts again, then the bucket is as empty as time allows, not full', async () => {
    const first = await createProcessRateLimiter(db, { perMinute: 6, burst: 5, now, writeBackMs: 5 });
    for (let i = 0; i < 5; i += 1) expect((await first.take('restart')).taken).toBe(true);
    await writtenBack();
    clock += 10_000; // one token's worth at 6 a minute

    const second = await createProcessRateLimiter(db, { perMinute: 6, burst: 5, now, writeBackMs: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => second.take('restart')));

    expect(results.filter((r) => r.taken)).toHaveLength(1);
    const { rows } = await db.query<{ tokens: number }>("SELECT tokens FROM bl_rate_limits WHERE key = 'restart'");
    expect(Number(rows[0]!.tokens)).toBeLessThan(1);
  });
});

/**
 * What the Cal.com rate limiter costs under a burst when it never refuses (PostgreSQL):
 * `npx tsx bench/diagnose/rateLimiterBurst.ts` with DATABASE_URL. Every create first takes a token from
 * one bucket row per API key (createSqlRateLimiter: INSERT … ON CONFLICT, SELECT … FOR UPDATE, UPDATE,
 * COMMIT), so concurrent takers queue on that row lock. 200 simultaneous takes through a pool of 10
 * like the service's, with the bench's settings (10^8 a minute, bursts of 10^7), 3 times. `--instances 3`:
 * the takers spread over three limiters, each on a pool of its own, as three service instances are.
 */
import type { RateLimiter } from '../../src/application/ports/rateLimiter';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { createSqlRateLimiter } from '../../src/adapters/sql/sqlRateLimiter';
import { freshPostgres, postgresUrl } from '../support/benchDb';
import { fmt, median, quantile } from '../support/stats';

const TAKERS = 200;
const ROUNDS = 3;
const instancesFlag = process.argv.indexOf('--instances');
const INSTANCES = instancesFlag > 0 ? Number(process.argv[instancesFlag + 1]) : 1;

const main = async () => {
  const bench = await freshPostgres(10, 'diagnose');
  const more = await Promise.all(Array.from({ length: INSTANCES - 1 }, () => openPgDatabase(postgresUrl(), { schema: bench.schema, max: 10 })));
  try {
    // One after another: concurrent CREATE TABLE IF NOT EXISTS of the same table can fail (pg_type_typname_nsp_index).
    const limiters: RateLimiter[] = [];
    for (const db of [bench.db, ...more]) limiters.push(await createSqlRateLimiter(db, { perMinute: 100_000_000, burst: 10_000_000 }));
    for (const limiter of limiters) await limiter.take('warm');
    const runs: Array<{ ms: number; p50: number; p99: number }> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const started = performance.now();
      const latencies = await Promise.all(
        Array.from({ length: TAKERS }, async (_, n) => {
          const t = performance.now();
          await limiters[n % limiters.length]!.take('calcom:bench');
          return performance.now() - t;
        }),
      );
      runs.push({ ms: performance.now() - started, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) });
    }
    process.stdout.write(
      `${TAKERS} simultaneous takes, ${INSTANCES} pool${INSTANCES > 1 ? 's' : ''} of 10: all done after ${fmt(median(runs.map((r) => r.ms)))} ms (median of ${ROUNDS}: ${runs.map((r) => fmt(r.ms)).join(', ')}); ` +
        `one take p50 ${fmt(median(runs.map((r) => r.p50)), 1)} / p99 ${fmt(median(runs.map((r) => r.p99)), 1)} ms\n`,
    );
  } finally {
    for (const db of more) await db.close();
    await bench.dispose();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

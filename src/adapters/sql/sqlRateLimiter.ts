import type { RateLimiter } from '../../application/ports/rateLimiter';
import type { SqlDatabase } from '../../application/ports/sql';
import { underMigrationLock } from './sharedTableDdl';

export const rateLimitsSchema = underMigrationLock(`
CREATE TABLE IF NOT EXISTS bl_rate_limits (
  key        text PRIMARY KEY,
  tokens     double precision NOT NULL,
  updated_at timestamptz NOT NULL
);
-- Whether the last take got its token (returned by the same UPDATE that decides it).
ALTER TABLE bl_rate_limits ADD COLUMN IF NOT EXISTS last_taken boolean NOT NULL DEFAULT false;
`);

export interface TokenBucketOptions {
  /** Tokens added per minute (Cal.com allows about 120 requests a minute per API key). */
  perMinute: number;
  /** The most tokens the bucket holds: the largest burst (bursts of 20–30 have locked accounts). */
  burst: number;
}

/**
 * Refills and takes in one UPDATE: the row is locked only for that statement (a waiting taker's UPDATE
 * is re-evaluated on the row the previous one wrote, so no token is taken twice). `updated_at` never
 * moves back, whatever order concurrent statements started in.
 */
const available = 'least($2::float8, b.tokens + greatest(0, extract(epoch FROM now() - b.updated_at))::float8 * $3::float8)';
const takeSql = `
UPDATE bl_rate_limits AS b
   SET tokens = ${available} - CASE WHEN ${available} >= 1 + $4 THEN 1 ELSE 0 END,
       last_taken = ${available} >= 1 + $4,
       updated_at = greatest(b.updated_at, now())
 WHERE b.key = $1
   -- This statement's commit does not wait for the disk: a crash may forget the last few takes (a few
   -- extra tokens), while takers no longer queue behind each other's WAL flush on the row lock.
   AND set_config('synchronous_commit', 'off', true) IS NOT NULL
RETURNING b.last_taken AS taken, b.tokens AS remaining`;

/**
 * A token bucket per key in a table of the read-model database: on PostgreSQL every instance shares it
 * (the row lock serialises takers, one statement each). A key's first take creates its bucket full. (On
 * PGlite the service counts in the process instead, processRateLimiter.ts; this one works there too.)
 */
export const createSqlRateLimiter = async (db: SqlDatabase, options: TokenBucketOptions): Promise<RateLimiter> => {
  await db.exec(rateLimitsSchema);
  const perSecond = options.perMinute / 60;
  const take = async (key: string, keep: number) => {
    const { rows } = await db.query<{ taken: boolean; remaining: number }>(takeSql, [key, options.burst, perSecond, keep]);
    return rows[0] && { taken: Boolean(rows[0].taken), remaining: Number(rows[0].remaining) };
  };
  return {
    take: async (key, { keep = 0 } = {}) => {
      const taken = await take(key, keep);
      if (taken) return taken;
      await db.query('INSERT INTO bl_rate_limits (key, tokens, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING', [key, options.burst]);
      return (await take(key, keep))!;
    },
  };
};

import type { RateLimiter } from '../../application/ports/rateLimiter';
import type { SqlDatabase } from '../../application/ports/sql';

export const rateLimitsSchema = `
CREATE TABLE IF NOT EXISTS bl_rate_limits (
  key        text PRIMARY KEY,
  tokens     double precision NOT NULL,
  updated_at timestamptz NOT NULL
);
`;

export interface TokenBucketOptions {
  /** Tokens added per minute (Cal.com allows about 120 requests a minute per API key). */
  perMinute: number;
  /** The most tokens the bucket holds: the largest burst (bursts of 20–30 have locked accounts). */
  burst: number;
}

/**
 * A token bucket per key in a table of the read-model database: on PostgreSQL every instance shares it
 * (the row lock serialises takers), on PGlite it serves the one process. Three statements in one
 * transaction: create the bucket full if new, lock and read it, write back the refilled, taken count.
 */
export const createSqlRateLimiter = async (db: SqlDatabase, options: TokenBucketOptions): Promise<RateLimiter> => {
  await db.exec(rateLimitsSchema);
  const perSecond = options.perMinute / 60;
  return {
    take: (key, { keep = 0 } = {}) =>
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO bl_rate_limits (key, tokens, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING', [key, options.burst]);
        const { rows } = await tx.query<{ tokens: number; elapsed: number }>(
          'SELECT tokens, greatest(0, extract(epoch FROM now() - updated_at))::float8 AS elapsed FROM bl_rate_limits WHERE key = $1 FOR UPDATE',
          [key],
        );
        const row = rows[0]!;
        const available = Math.min(options.burst, Number(row.tokens) + Number(row.elapsed) * perSecond);
        const taken = available >= 1 + keep;
        const remaining = taken ? available - 1 : available;
        await tx.query('UPDATE bl_rate_limits SET tokens = $2, updated_at = now() WHERE key = $1', [key, remaining]);
        return { taken, remaining };
      }),
  };
};

import type { RateLimiter } from '../../application/ports/rateLimiter';
import type { SqlDatabase } from '../../application/ports/sql';
import { rateLimitsSchema, type TokenBucketOptions } from './sqlRateLimiter';

interface Bucket {
  tokens: number;
  /** When its tokens were counted (ms since the epoch). */
  at: number;
}

const writeBackSql = `
INSERT INTO bl_rate_limits AS b (key, tokens, updated_at)
SELECT r.key, r.tokens, r.updated_at FROM json_to_recordset($1::json) AS r(key text, tokens float8, updated_at timestamptz)
ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = greatest(b.updated_at, excluded.updated_at)`;

/**
 * The token buckets of a database that only this process opens (PGlite locks its data directory to one
 * process): counted in memory, so a take costs no statement on PGlite's one connection, and written back
 * to `bl_rate_limits` at most every `writeBackMs`, where the next start reads them. A restart therefore
 * refills a bucket only as fast as time does; a crash forgets at most the takes of the last interval (the
 * shared limiter's uncommitted takes are forgotten alike), and a failed write-back is not retried: the
 * bucket's next take writes it again. A key's first take finds its bucket full.
 */
export const createProcessRateLimiter = async (
  db: SqlDatabase,
  options: TokenBucketOptions & { writeBackMs?: number; now?: () => number },
): Promise<RateLimiter> => {
  await db.exec(rateLimitsSchema);
  const { burst } = options;
  const perSecond = options.perMinute / 60;
  const writeBackMs = options.writeBackMs ?? 100;
  const now = options.now ?? Date.now;
  const { rows } = await db.query<{ key: string; tokens: number; updated_at: Date | string }>('SELECT key, tokens, updated_at FROM bl_rate_limits');
  const buckets = new Map<string, Bucket>(rows.map((row) => [row.key, { tokens: Number(row.tokens), at: new Date(row.updated_at).getTime() }]));
  const changed = new Set<string>();
  let pending: NodeJS.Timeout | undefined;

  const writeBack = async () => {
    pending = undefined;
    const written = [...changed].map((key) => ({ key, tokens: buckets.get(key)!.tokens, updated_at: new Date(buckets.get(key)!.at).toISOString() }));
    changed.clear();
    await db.query(writeBackSql, [JSON.stringify(written)]).catch(() => undefined);
  };

  return {
    take: async (key, { keep = 0 } = {}) => {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at };
      const available = Math.min(burst, bucket.tokens + (Math.max(0, at - bucket.at) / 1000) * perSecond);
      const taken = available >= 1 + keep;
      const next = { tokens: available - (taken ? 1 : 0), at: Math.max(bucket.at, at) };
      buckets.set(key, next);
      changed.add(key);
      if (!pending) {
        pending = setTimeout(() => void writeBack(), writeBackMs);
        pending.unref();
      }
      return { taken, remaining: next.tokens };
    },
  };
};

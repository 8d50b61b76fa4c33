import type { UsedSignatures } from '../../application/ports/usedSignatures';
import type { SqlDatabase } from './sqlDatabase';
import { underMigrationLock } from './sharedTableDdl';

export const usedSignaturesSchema = underMigrationLock(`
CREATE TABLE IF NOT EXISTS bl_used_signatures (
  digest     text PRIMARY KEY,
  function   text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS bl_used_signatures_expires_at ON bl_used_signatures (expires_at);
`);

/** `UsedSignatures` in a table of the read-model database (PostgreSQL: shared by every instance). */
export const createSqlUsedSignatures = async (db: SqlDatabase): Promise<UsedSignatures> => {
  await db.exec(usedSignaturesSchema);
  return {
    remember: async (digest, fn, expiresAt) => {
      const { rows } = await db.query<{ function: string }>(
        `INSERT INTO bl_used_signatures (digest, function, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (digest) DO NOTHING RETURNING function`,
        [digest, fn, expiresAt.toISOString()],
      );
      if (rows[0]) return rows[0].function;
      // Already there (a statement of its own: the insert's snapshot may predate a concurrent commit).
      const { rows: existing } = await db.query<{ function: string }>('SELECT function FROM bl_used_signatures WHERE digest = $1', [digest]);
      return existing[0]?.function ?? fn;
    },
    forgetExpired: async (now) => {
      const { rows } = await db.query<{ n: number }>(
        'WITH gone AS (DELETE FROM bl_used_signatures WHERE expires_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
        [now.toISOString()],
      );
      return rows[0]?.n ?? 0;
    },
  };
};

import type { Leases } from '../../application/ports/lease';
import type { SqlDatabase } from '../../application/ports/sql';
import { underMigrationLock } from './sharedTableDdl';

export const leasesSchema = underMigrationLock(`
CREATE TABLE IF NOT EXISTS bl_leases (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
);
`);

/**
 * Leases in a table of the read-model database: one short statement each (no transaction stays open
 * for the work, which on PostgreSQL would hold every reader of the event store back).
 */
export const createSqlLeases = async (db: SqlDatabase): Promise<Leases> => {
  await db.exec(leasesSchema);
  return {
    tryAcquire: async (name, holder, ttlMs) => {
      const { rows } = await db.query<{ holder: string }>(
        `INSERT INTO bl_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE bl_leases.holder = excluded.holder OR bl_leases.expires_at < now()
         RETURNING holder`,
        [name, holder, ttlMs],
      );
      return rows[0]?.holder === holder;
    },
    release: async (name, holder) => {
      await db.query('DELETE FROM bl_leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
};

import { createHash, randomBytes } from 'node:crypto';
import type { AdminSessions } from '../../application/ports/adminSessions';
import type { SqlDatabase } from './sqlDatabase';
import { underMigrationLock } from './sharedTableDdl';

export const adminSessionsSchema = underMigrationLock(`
CREATE TABLE IF NOT EXISTS bl_admin_sessions (
  id_digest         text PRIMARY KEY,
  token_fingerprint text NOT NULL,
  csrf_token        text NOT NULL,
  opened_at         timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS bl_admin_sessions_expires_at ON bl_admin_sessions (expires_at);
`);

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');
const secret = () => randomBytes(32).toString('base64url');

/** `AdminSessions` in a table of the read-model database (PostgreSQL: every instance knows every session). */
export const createSqlAdminSessions = async (db: SqlDatabase): Promise<AdminSessions> => {
  await db.exec(adminSessionsSchema);
  return {
    open: async (tokenFingerprint, expiresAt) => {
      const id = secret();
      const csrfToken = secret();
      await db.query('INSERT INTO bl_admin_sessions (id_digest, token_fingerprint, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [digest(id), tokenFingerprint, csrfToken, expiresAt.toISOString()]);
      return { id, csrfToken };
    },
    find: async (id, tokenFingerprint, now) => {
      const { rows } = await db.query<{ csrf_token: string; expires_at: Date | string }>(
        'SELECT csrf_token, expires_at FROM bl_admin_sessions WHERE id_digest = $1 AND token_fingerprint = $2 AND expires_at > $3',
        [digest(id), tokenFingerprint, now.toISOString()],
      );
      const row = rows[0];
      return row && { csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) };
    },
    close: async (id) => {
      await db.query('DELETE FROM bl_admin_sessions WHERE id_digest = $1', [digest(id)]);
    },
    forgetExpired: async (now) => {
      const { rows } = await db.query<{ n: number }>('WITH gone AS (DELETE FROM bl_admin_sessions WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [now.toISOString()]);
      return rows[0]?.n ?? 0;
    },
  };
};

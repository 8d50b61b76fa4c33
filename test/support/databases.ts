import { randomBytes } from 'node:crypto';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { openPgliteDatabase } from '../../src/adapters/sql/pgliteDatabase';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';

export const postgresUrl = process.env.DATABASE_URL;

/** A PostgreSQL database in a schema of its own, dropped again by `close()`. */
export const openIsolatedPostgres = async (url = postgresUrl!): Promise<SqlDatabase> => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openPgDatabase(url, { schema });
  return {
    ...db,
    close: async () => {
      await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await db.close();
    },
  };
};

export const openMemoryPglite = (): Promise<SqlDatabase> => openPgliteDatabase(undefined);

/** The SQL databases every integration suite runs on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const sqlTargets: Array<[string, () => Promise<SqlDatabase>]> = [
  ['PGlite', openMemoryPglite],
  ...(postgresUrl ? [['PostgreSQL', () => openIsolatedPostgres()] as [string, () => Promise<SqlDatabase>]] : []),
];

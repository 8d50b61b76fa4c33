import { randomBytes } from 'node:crypto';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { openPgliteDatabase } from '../../src/adapters/sql/pgliteDatabase';
import { pgliteTemplate } from './pgliteTemplate';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';

export const postgresUrl = process.env.DATABASE_URL;

/** A test schema's name: `t_<creation time, base 36>_<random>` (globalSetup drops those a killed run left behind). */
export const testSchemaName = (): string => `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** A PostgreSQL database in a schema of its own, dropped again by `close()`. */
export const openIsolatedPostgres = async (url = postgresUrl!): Promise<SqlDatabase> => {
  const schema = testSchemaName();
  const db = await openPgDatabase(url, { schema });
  return {
    ...db,
    close: async () => {
      await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await db.close();
    },
  };
};

/** An in-memory PGlite, started from the run's template dump when there is one (see globalSetup). */
export const openMemoryPglite = (): Promise<SqlDatabase> => openPgliteDatabase(undefined, { loadDataDir: pgliteTemplate() });

/** The SQL databases every integration suite runs on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const sqlTargets: Array<[string, () => Promise<SqlDatabase>]> = [
  ['PGlite', openMemoryPglite],
  ...(postgresUrl ? [['PostgreSQL', () => openIsolatedPostgres()] as [string, () => Promise<SqlDatabase>]] : []),
];

/** Drops every table of the current schema (and the views on them): a fresh database without reopening it (PGlite takes ~2 s to start). */
export const resetDatabase = async (db: SqlDatabase): Promise<void> => {
  await db.exec(`DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
      EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';
    END LOOP;
  END $$;`);
};

/**
 * A PGlite data directory initialised from the run's template dump (a child process then opens it in a
 * fraction of initdb's time); it holds what a fresh directory holds but the template databases, which
 * nothing here reads (test/support/globalSetup.ts). test/process/firstHour.test.ts starts on a fresh one.
 */
export const seededPgliteDirectory = async (dir: string): Promise<string> => {
  const db = await openPgliteDatabase(dir, { loadDataDir: pgliteTemplate() });
  await db.close();
  return dir;
};

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { openPgliteDatabase } from '../../src/adapters/sql/pgliteDatabase';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';

export type Store = 'postgres' | 'pglite';
export const storeLabel = (store: Store) => (store === 'postgres' ? 'PostgreSQL' : 'PGlite');

export const postgresUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required for the PostgreSQL runs (e.g. postgres://postgres@127.0.0.1:5432/test)');
  return url;
};

export interface BenchDb {
  db: SqlDatabase;
  /** PostgreSQL: the schema this run works in (another process can open it too). */
  schema?: string;
  /** PGlite: the data directory. */
  dataDir?: string;
  /** Closes the database and drops the schema / deletes the directory. */
  dispose(): Promise<void>;
}

/**
 * A fresh PostgreSQL schema of its own (pool of `max` connections), dropped by `dispose` — kept when
 * BENCH_KEEP_SCHEMA=1, to read a run's streams afterwards (its name goes to stderr).
 */
export const freshPostgres = async (max = 10, prefix = 'bench'): Promise<BenchDb> => {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const db = await openPgDatabase(postgresUrl(), { schema, max });
  return {
    db,
    schema,
    dispose: async () => {
      if (process.env.BENCH_KEEP_SCHEMA === '1') process.stderr.write(`schema ${schema} kept (BENCH_KEEP_SCHEMA=1)\n`);
      else await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await db.close();
    },
  };
};

/**
 * A fresh PGlite in a temporary directory (the service's default, `pglite://./data/ledger`, is on disk
 * too), or in memory with `memory: true`.
 */
export const freshPglite = async ({ memory = false } = {}): Promise<BenchDb> => {
  const dataDir = memory ? undefined : mkdtempSync(path.join(tmpdir(), 'bench-pglite-'));
  const db = await openPgliteDatabase(dataDir);
  return {
    db,
    dataDir,
    dispose: async () => {
      await db.close().catch(() => undefined);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

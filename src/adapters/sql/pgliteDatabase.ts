import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase } from '../../application/ports/sql';
import { lockDataDirectory } from './dataDirectoryLock';
import { makePrivateDirectory } from './privateDirectory';

/**
 * Embedded PostgreSQL (WASM). `dataDir` undefined means in memory. One connection: PGlite queues work
 * itself. A data directory is private (0700/0600) and held by one process at a time (a lock beside it).
 */
export const openPgliteDatabase = async (dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<SqlDatabase> => {
  let release = () => undefined as void;
  if (dataDir) {
    makePrivateDirectory(dataDir);
    release = lockDataDirectory(dataDir);
  }
  let db: PGlite;
  try {
    // A dump of an initialised data directory (dumpDataDir) starts in a fraction of initdb's time.
    db = options.loadDataDir ? await PGlite.create({ dataDir, loadDataDir: options.loadDataDir }) : await PGlite.create(dataDir);
  } catch (error) {
    release();
    throw error;
  }

  return {
    kind: 'pglite',
    query: async (text, params) => {
      const result = await db.query(text, params as unknown[] | undefined);
      return { rows: result.rows as never[] };
    },
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async (text, params) => ({ rows: (await tx.query(text, params as unknown[] | undefined)).rows as never[] }),
        }),
      ),
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
};

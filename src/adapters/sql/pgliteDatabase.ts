import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase } from './sqlDatabase';

/** Embedded PostgreSQL (WASM). `dataDir` undefined means in memory. One connection: PGlite queues work itself. */
export const openPgliteDatabase = async (dataDir?: string): Promise<SqlDatabase> => {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);

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
    close: () => db.close(),
  };
};

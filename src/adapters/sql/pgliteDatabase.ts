import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase } from '../../application/ports/sql';
import { lockDataDirectory } from './dataDirectoryLock';
import { createOneMessageQuery } from './pgliteOneMessageQuery';
import { makePrivateDirectory } from './privateDirectory';

/**
 * Sized for one embedded process: PostgreSQL's defaults (128 MB of shared buffers, 64 MB for
 * maintenance) are allocated in the WASM heap, which never gives memory back while the instance lives.
 */
export const PGLITE_SETTINGS = ['shared_buffers=32MB', 'work_mem=4MB', 'maintenance_work_mem=32MB', 'temp_buffers=4MB', 'wal_buffers=1MB'];

const open = (dataDir: string | undefined, loadDataDir: Blob | undefined) => PGlite.create({ dataDir, loadDataDir, postgresqlconf: PGLITE_SETTINGS });

/**
 * initdb for a new data directory, in a short-lived child process: it needs hundreds of MiB of WASM
 * heap, which would otherwise stay with this process for its lifetime (a WASM heap never shrinks).
 */
const initialiseInChild = (dataDir: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const script = `const { PGlite } = require(${JSON.stringify(require.resolve('@electric-sql/pglite'))});
PGlite.create({ dataDir: ${JSON.stringify(dataDir)}, postgresqlconf: ${JSON.stringify(PGLITE_SETTINGS)} })
  .then((db) => db.close())
  .catch((error) => { process.stderr.write(String((error && error.message) || error)); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`PGlite could not initialise ${dataDir}: ${stderr.trim() || `exit code ${code}`}`))));
  });

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
    if (dataDir !== undefined && !options.loadDataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initialiseInChild(dataDir);
    db = await open(dataDir, options.loadDataDir);
    // PGlite's file system sets the modes it was asked for (initdb's files come out 0666, catalog caches 0644)
    // whatever the process umask: the files initdb and start-up wrote are made private once they exist.
    if (dataDir) makePrivateDirectory(dataDir);
  } catch (error) {
    release();
    throw error;
  }

  let closing: Promise<void> | undefined;
  // PGlite's own locks, taken as its `query` and `transaction` take them: a statement outside a
  // transaction waits for any transaction to end; one inside runs in it, between its other statements.
  const statement = createOneMessageQuery(db);
  return {
    kind: 'pglite',
    query: async (text, params) => {
      await db._checkReady();
      const rows = await db._runExclusiveTransaction(() => db.runExclusive(() => statement.run(text, params, true, false)));
      return { rows: rows as never[] };
    },
    exec: async (script) => {
      // A script may change the tables and functions a prepared statement was planned on.
      const closeAll = statement.forgetAll();
      await db.exec(closeAll ? `${closeAll};\n${script}` : script);
    },
    transaction: (work) =>
      db.transaction(async () => {
        // A statement sent on a transaction that has ended would run in whatever holds PGlite next.
        let ended = false;
        try {
          return await work({
            query: async (text, params) => {
              if (ended) throw new Error('Transaction is closed');
              return { rows: (await db.runExclusive(() => statement.run(text, params, false, true))) as never[] };
            },
          });
        } finally {
          ended = true;
        }
      }),
    // Closing twice (a shutdown and a test's afterAll) is one close.
    close: () => {
      closing ??= (async () => {
        try {
          await db.close();
        } finally {
          release();
        }
      })();
      return closing;
    },
  };
};

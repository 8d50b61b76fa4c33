import { execFile } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { dropAbandonedSchemas } from './abandonedSchemas';
import { distIsFresh } from './distFreshness';
import { pgliteTemplatePath } from './pgliteTemplate';

/**
 * Once per test run: build dist/ (the process tests run the CLI as `npm start` does, compiled) unless it is
 * newer than every source file (`npm ci` has just built it: tsc's incremental no-op still takes ~3 s), and
 * dump a freshly initialised in-memory PGlite, so that each suite's databases start from the dump
 * (PGlite's initdb takes ~2 s a database; loading the dump ~0.5 s). The two run side by side. The dump
 * depends only on PGlite's version (in its file name): one made by an earlier run is kept. Written atomically.
 *
 * The dump leaves out the template databases (template0, template1: only CREATE DATABASE reads them, and
 * nothing here creates one): 25 MB instead of 40, and a database opens from it with ~30 % less CPU
 * (measured: 560–590 ms against 750–890 ms a PGlite.create).
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const build = distIsFresh(root)
    ? Promise.resolve()
    : promisify(execFile)(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root }).then(
        () => undefined,
        (error: { stdout?: string; stderr?: string }) => {
          throw new Error(`the build of dist/ failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
        },
      );
  await Promise.all([build, process.env.DATABASE_URL ? dropAbandonedSchemas(process.env.DATABASE_URL) : undefined, writePgliteTemplate()]);
}

const writePgliteTemplate = async (): Promise<void> => {
  const target = pgliteTemplatePath();
  if (existsSync(target)) return;
  const db = await PGlite.create();
  await db.exec("UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')");
  await db.exec('DROP DATABASE template0');
  await db.exec('DROP DATABASE template1');
  await db.exec('CHECKPOINT');
  const dump = await db.dumpDataDir('none');
  await db.close();
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, target);
};

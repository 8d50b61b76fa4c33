import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { dropAbandonedSchemas } from './abandonedSchemas';
import { pgliteTemplatePath } from './pgliteTemplate';

/**
 * Once per test run: build dist/ (the process tests run the CLI as `npm start` does, compiled), and dump a freshly initialised in-memory PGlite, so that each suite's databases start
 * from the dump (PGlite's initdb takes ~2 s a database; loading the dump ~0.5 s). Written atomically.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  if (process.env.DATABASE_URL) await dropAbandonedSchemas(process.env.DATABASE_URL);
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  const target = pgliteTemplatePath();
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, target);
}

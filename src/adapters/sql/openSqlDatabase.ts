import path from 'node:path';
import { openPgDatabase } from './pgDatabase';
import { openPgliteDatabase } from './pgliteDatabase';
import type { SqlDatabase } from './sqlDatabase';

export const isSqlUrl = (url: string): boolean => /^(postgres(ql)?|pglite):\/\//.test(url);

/**
 * `postgres://…` / `postgresql://…` → PostgreSQL server through `pg` (a pool of `poolSize`, default 10);
 * `pglite://memory` → in-memory PGlite; `pglite://<dir>` → PGlite stored in that directory.
 */
export const openSqlDatabase = async (url: string, options: { poolSize?: number } = {}): Promise<SqlDatabase> => {
  if (/^postgres(ql)?:\/\//.test(url)) return openPgDatabase(url, options.poolSize ? { max: options.poolSize } : {});
  const match = /^pglite:\/\/(.*)$/.exec(url);
  if (!match) throw new Error(`Unsupported database URL "${url}": use postgres://…, pglite://memory or pglite://<directory>`);
  const location = match[1] ?? '';
  if (location === 'memory' || location === '') return openPgliteDatabase(undefined);
  return openPgliteDatabase(path.resolve(location));
};

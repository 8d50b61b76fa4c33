/** The SQL port lives with the other ports; adapters implement it (pgDatabase, pgliteDatabase). */
export type { SqlDatabase, SqlExecutor } from '../../application/ports/sql';

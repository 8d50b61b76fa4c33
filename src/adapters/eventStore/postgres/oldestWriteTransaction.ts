import type { SqlExecutor } from '../../../application/ports/sql';

export interface OpenWriteTransaction {
  pid: number;
  openMs: number;
  state: string;
  /** What the session runs (or ran last), shortened. */
  query: string;
}

/**
 * The oldest open transaction on the whole server that holds a transaction id. Readers of the global
 * order see only events older than it (pg_snapshot_xmin), so while it stays open every projection and
 * every confirmation waits, however unrelated it is. Undefined when there is none (or on PGlite).
 * Seeing other users' sessions needs the pg_read_all_stats role (a superuser has it).
 */
export const oldestWriteTransaction = async (db: SqlExecutor): Promise<OpenWriteTransaction | undefined> => {
  const { rows } = await db.query<{ pid: number; open_ms: string; state: string | null; query: string | null }>(
    `SELECT pid, (extract(epoch FROM clock_timestamp() - xact_start) * 1000)::bigint::text AS open_ms, state, left(query, 120) AS query
       FROM pg_stat_activity
      WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
      ORDER BY xact_start LIMIT 1`,
  );
  const row = rows[0];
  return row ? { pid: Number(row.pid), openMs: Number(row.open_ms), state: row.state ?? 'unknown', query: row.query ?? '' } : undefined;
};

/** "held back by a transaction open 12.3 s (pid 4711, idle in transaction)". */
export const describeHoldBack = (t: OpenWriteTransaction): string =>
  `held back by a transaction open ${(t.openMs / 1000).toFixed(1)} s (pid ${t.pid}, ${t.state})`;

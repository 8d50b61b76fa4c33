/** The little the event store, the projections and the signature ledger need from PostgreSQL, served by `pg` or PGlite (adapters/sql). */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs several statements (no parameters), e.g. a migration script. */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL LISTEN on `channel` over a connection of its own (re-established after a server restart):
   * `onNotify` gets each NOTIFY payload, from this process or any other. Absent on PGlite (one process).
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

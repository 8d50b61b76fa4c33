/**
 * The event store could not be reached (PostgreSQL or PGlite: a lost or refused connection, a server
 * shutting down, no connection slot left; EventStoreDB: unavailable, a deadline or timeout, no leader,
 * no node found). Waiting for the store is the cure, so such a failure says nothing about what was tried.
 * A statement timeout (57014), a deadlock or anything the data causes is not an outage.
 */
export const isStoreOutage = (error: unknown): boolean => {
  const { code, type } = (error ?? {}) as { code?: unknown; type?: unknown };
  if (typeof type === 'string' && /^(unavailable|deadline-exceeded|timeout|not-leader)$/.test(type)) return true;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|57P0[1-3]|53300)/.test(code);
    if (/^E(CONN|TIMEDOUT|NOTFOUND|AI_AGAIN|PIPE|HOSTUNREACH|NETUNREACH)/.test(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /connection terminated|connection (?:error|refused|reset|closed)|ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|server closed|database system is|failed to discover/i.test(message);
};

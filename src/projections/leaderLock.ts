/**
 * The leader lock of a projection, per schema (advisory locks are database-wide: deployments in other
 * schemas of the same database have leaders of their own). A batch takes it with `pg_try_advisory_xact_lock`
 * before touching any table; a rebuild, and the projection's migration, wait for it.
 */
export const leaderLockKey = (name: string) => `bl-projection:${name}`;

/** `SELECT pg_advisory_xact_lock(…)` on the leader lock of `name`, for a migration script. */
export const waitForLeaderLockSql = (name: string) => {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`Invalid projection name "${name}"`);
  return `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || '${leaderLockKey(name)}'));`;
};

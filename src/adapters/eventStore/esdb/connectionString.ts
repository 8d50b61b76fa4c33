/**
 * `@eventstore/db-client` 6.x only parses `esdb://` and `esdb+discover://` (case-sensitive);
 * KurrentDB URLs (`kurrentdb://`, `kurrentdb+discover://`) name the same protocol.
 */
export const toEsdbConnectionString = (connectionString: string): string =>
  connectionString
    .trim()
    .replace(/^(?:kurrentdb|esdb)(\+discover)?:\/\//i, (_match, discover: string | undefined) => `esdb${(discover ?? '').toLowerCase()}://`);

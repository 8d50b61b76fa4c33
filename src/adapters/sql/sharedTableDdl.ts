/**
 * DDL for a table every instance shares, run under one advisory lock: instances starting together on a
 * fresh schema would otherwise race on CREATE TABLE IF NOT EXISTS (pg_type_typname_nsp_index).
 */
export const underMigrationLock = (ddl: string): string => `
BEGIN;
SELECT pg_advisory_xact_lock(4242003);
${ddl.trim()}
COMMIT;
`;

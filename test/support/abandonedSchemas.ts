import { Client } from 'pg';

/** Schemas of test runs that were killed before their suites could drop them (older than an hour: never a running run's). */
export const dropAbandonedSchemas = async (url: string, olderThanMs = 3_600_000): Promise<void> => {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^t_[0-9a-z]+_[0-9a-f]+$'");
    for (const { name } of rows) {
      const created = parseInt(name.split('_')[1]!, 36);
      if (Date.now() - created > olderThanMs) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    }
  } catch {
    // No PostgreSQL, or no right to drop: the suites that need it say so themselves.
  } finally {
    await client.end().catch(() => undefined);
  }
};

import { Client } from 'pg';
import { dropAbandonedSchemas } from '../support/abandonedSchemas';
import { postgresUrl, testSchemaName } from '../support/databases';

/** A test run killed before its suites dropped their schemas leaves them behind; the next run drops them. */
(postgresUrl ? describe : describe.skip)('schemas a killed test run left behind (PostgreSQL)', () => {
  it('given a test schema two hours old and one just made, then only the old one is dropped', async () => {
    const client = new Client({ connectionString: postgresUrl });
    await client.connect();
    const old = `t_${(Date.now() - 2 * 3_600_000).toString(36)}_deadbeef`;
    const fresh = testSchemaName();
    try {
      await client.query(`CREATE SCHEMA ${old}; CREATE SCHEMA ${fresh}`);
      await dropAbandonedSchemas(postgresUrl!);
      const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [[old, fresh]]);
      expect(rows.map((r) => r.nspname)).toEqual([fresh]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${old} CASCADE; DROP SCHEMA IF EXISTS ${fresh} CASCADE`);
      await client.end();
    }
  });
});

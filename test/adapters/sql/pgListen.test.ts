import { Client } from 'pg';
import { openPgDatabase } from '../../../src/adapters/sql/pgDatabase';
import { postgresUrl } from '../../support/databases';

/** Sessions on the server whose last statement was LISTEN on `channel`. */
const listening = async (admin: Client, channel: string) =>
  (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1`, [`LISTEN ${channel}`])).rows[0]!.n;

/** A backend ends a moment after its client closed the socket: polls up to 5 s. */
const eventually = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

(postgresUrl ? describe : describe.skip)('LISTEN connections of a PostgreSQL database (pg)', () => {
  const admin = new Client({ connectionString: postgresUrl });
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());

  it('given a listener nobody stopped, when the database is closed, then its connection is closed too (a test file or a shutdown leaves no socket behind)', async () => {
    const channel = `bl_listen_test_${process.pid}_${Date.now()}`;
    const db = await openPgDatabase(postgresUrl!);
    const payloads: string[] = [];
    await db.listen!(channel, (payload) => payloads.push(payload));
    expect(await listening(admin, channel)).toBe(1);
    await db.query('SELECT pg_notify($1, $2)', [channel, 'hello']);
    expect(await eventually(async () => payloads.length === 1)).toBe(true);

    await db.close();
    expect(await eventually(async () => (await listening(admin, channel)) === 0)).toBe(true);
  });

  it('given a listener its user stopped, when the database is closed, then closing does not stop it again', async () => {
    const channel = `bl_listen_test_${process.pid}_${Date.now()}_b`;
    const db = await openPgDatabase(postgresUrl!);
    const stop = await db.listen!(channel, () => undefined);
    await stop();
    expect(await eventually(async () => (await listening(admin, channel)) === 0)).toBe(true);
    await expect(db.close()).resolves.toBeUndefined();
  });
});

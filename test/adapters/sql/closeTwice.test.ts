import { sqlTargets } from '../../support/databases';

describe.each(sqlTargets)('closing a %s database', (_name, open) => {
  it('given a database already closed (a shutdown, then a test’s afterAll), when it is closed again, then the second close resolves like the first', async () => {
    const db = await open();
    await db.query('SELECT 1');

    const first = db.close();
    const second = db.close();

    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
    await expect(db.close()).resolves.toBeUndefined();
  });
});

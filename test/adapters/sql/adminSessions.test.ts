import { createSqlAdminSessions } from '../../../src/adapters/sql/sqlAdminSessions';
import type { SqlDatabase } from '../../../src/adapters/sql/sqlDatabase';
import { sqlTargets } from '../../support/databases';

const hours = (n: number) => n * 3_600_000;

describe.each(sqlTargets)('console sessions on %s', (_name, open) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });

  it('given a session opened until noon, when asked before and after noon, then it is open before only', async () => {
    const sessions = await createSqlAdminSessions(db);
    const noon = new Date('2030-01-01T12:00:00Z');
    const { id, csrfToken } = await sessions.open('fingerprint-a', noon);
    await expect(sessions.find(id, 'fingerprint-a', new Date(noon.getTime() - 1))).resolves.toEqual({ csrfToken, expiresAt: noon });
    await expect(sessions.find(id, 'fingerprint-a', noon)).resolves.toBeUndefined();
  });

  it('given a session, when the admin token changed (another fingerprint) or the id is off by one character, then there is none', async () => {
    const sessions = await createSqlAdminSessions(db);
    const now = new Date();
    const { id } = await sessions.open('fingerprint-a', new Date(now.getTime() + hours(1)));
    await expect(sessions.find(id, 'fingerprint-b', now)).resolves.toBeUndefined();
    await expect(sessions.find(`${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`, 'fingerprint-a', now)).resolves.toBeUndefined();
  });

  it('keeps only a digest of the id, and a closed session is gone', async () => {
    const sessions = await createSqlAdminSessions(db);
    const now = new Date();
    const { id } = await sessions.open('fingerprint-a', new Date(now.getTime() + hours(1)));
    const { rows } = await db.query<{ id_digest: string }>('SELECT id_digest FROM bl_admin_sessions');
    expect(rows.map((r) => r.id_digest)).not.toContain(id);
    await sessions.close(id);
    await expect(sessions.find(id, 'fingerprint-a', now)).resolves.toBeUndefined();
  });

  it('forgets expired sessions and keeps open ones', async () => {
    const sessions = await createSqlAdminSessions(db);
    await db.query('DELETE FROM bl_admin_sessions');
    const now = new Date();
    await sessions.open('f', new Date(now.getTime() - 1));
    const open = await sessions.open('f', new Date(now.getTime() + hours(1)));
    await expect(sessions.forgetExpired(now)).resolves.toBe(1);
    await expect(sessions.find(open.id, 'f', now)).resolves.toBeDefined();
  });
});

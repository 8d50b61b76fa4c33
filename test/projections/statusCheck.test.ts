import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { appointmentsProjectionDefinition as appointments } from '../../src/projections';
import { sqlTargets } from '../support/databases';

/** The read model's status CHECK: validated against the table when the status list changes, not at every start. */
describe.each(sqlTargets)('the bl_appointments status check on %s', (_target, openDb) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => db.close());

  const statusChecks = async () =>
    (await db.query<{ conname: string; oid: string }>(`SELECT conname, oid::text FROM pg_constraint WHERE conrelid = 'bl_appointments'::regclass AND contype = 'c' ORDER BY conname`)).rows;
  const insertRow = (status: string) =>
    db.query(`INSERT INTO bl_appointments (booking_id, status, updated_at, last_event_position, last_event_type) VALUES ($1, $2, now(), '0', 'x')`, [`b-${status}-${Math.random()}`, status]);

  it('given a migrated table, when the migration runs again, then the check is the same constraint (not dropped, added and re-validated)', async () => {
    await db.exec(appointments.schema);
    const before = await statusChecks();
    await db.exec(appointments.schema);
    expect(before).toHaveLength(1);
    expect(before[0]!.conname).toMatch(/^bl_appointments_status_check_[0-9a-f]{8}$/);
    expect(await statusChecks()).toEqual(before);
  });

  it('given a table with the check of an older release, when migrated, then that check is replaced by the current one', async () => {
    await db.exec(appointments.schema);
    await db.exec(`ALTER TABLE bl_appointments DROP CONSTRAINT ${(await statusChecks())[0]!.conname}`);
    await db.exec(`ALTER TABLE bl_appointments ADD CONSTRAINT bl_appointments_status_check CHECK (status IN ('none', 'requested'))`);
    await db.exec(appointments.schema);
    const after = await statusChecks();
    expect(after.map((c) => c.conname)).toEqual([expect.stringMatching(/^bl_appointments_status_check_[0-9a-f]{8}$/)]);
    await insertRow('confirmed');
  });

  it('refuses a status the domain does not know', async () => {
    await db.exec(appointments.schema);
    await expect(insertRow('booked_maybe')).rejects.toMatchObject({ code: '23514' });
  });
});

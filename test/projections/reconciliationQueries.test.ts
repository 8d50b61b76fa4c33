import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { appointmentsProjectionDefinition as appointments, findBookingsAwaitingProof } from '../../src/projections';
import { sqlTargets } from '../support/databases';

/** What the reconciler sweeps (src/projections/reconciliationQueries.ts), read from rows as the projection leaves them. */
describe.each(sqlTargets)('bookings awaiting proof on %s', (_target, openDb) => {
  let db: SqlDatabase;
  const longAgo = '2050-01-01T08:00:00.000Z';
  const sweepAt = new Date('2050-01-01T09:00:00.000Z');

  beforeAll(async () => {
    db = await openDb();
    await db.exec(appointments.schema);
    const row = (bookingId: string, status: string, moveRequestedAt: string | null) =>
      db.query(
        `INSERT INTO bl_appointments (booking_id, status, requested_at, move_requested_at, updated_at, last_event_position, last_event_type)
         VALUES ($1, $2, $3, $4, now(), '0', 'x')`,
        [bookingId, status, longAgo, moveRequestedAt],
      );
    await row('waiting-for-its-webhook', 'awaiting_webhook', null);
    await row('confirmed-and-settled', 'confirmed', null);
    await row('confirmed-moving', 'confirmed', longAgo);
    await row('cancelled-while-moving', 'cancelled', longAgo);
    await row('rejected-while-moving', 'rejected', longAgo);
  });
  afterAll(() => db.close());

  it('given moves no webhook settled, when swept, then only those of bookings that have not ended are taken', async () => {
    expect((await findBookingsAwaitingProof(db, sweepAt)).sort()).toEqual(['confirmed-moving', 'waiting-for-its-webhook']);
  });
});

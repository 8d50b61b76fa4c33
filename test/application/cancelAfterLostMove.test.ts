import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { CalcomBooking, CalcomClient, CreateBookingResult } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import { cancelAppointment } from '../../src/application/useCases/cancelAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { rescheduleAppointment } from '../../src/application/useCases/rescheduleAppointment';
import { sqlTargets } from '../support/databases';
import { freshBooking, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { testSettings } from '../support/settings';

/**
 * cancel_appointment after a move whose answer was lost (Cal.com moved the booking, then answered 500),
 * when something else tells where the booking lives while the cancel is on its way: the cancel acts
 * there instead of telling the caller it failed. Cal.com as a scripted port (shapes as in
 * test/fixtures/calcom/apiAnswers.ts: the old uid CANCELLED with rescheduledToUid, the new one with rescheduledFromUid).
 */
const EVENT_TYPE = 2563193;

describe.each(sqlTargets.slice(0, 1))('cancel after a move whose answer was lost (%s)', (_name, openDb) => {
  let db: SqlDatabase;
  let store: EventStore;
  let n = 0;
  const bookings = new Map<string, CalcomBookingJson & { status: string; movedTo?: string; movedFrom?: string }>();
  const cancels: string[] = [];
  /** Runs while Cal.com answers the lookup of a uid (something arriving meanwhile). */
  let duringLookup: ((uid: string) => Promise<void>) | undefined;

  const port = (b: CalcomBookingJson & { status: string; movedTo?: string; movedFrom?: string }): CalcomBooking => ({
    id: b.id, uid: b.uid, status: b.status, start: b.start, end: b.end, eventTypeId: b.eventTypeId, metadata: b.metadata, attendees: b.attendees,
    ...(b.movedTo && { rescheduledToUid: b.movedTo }), ...(b.movedFrom && { rescheduledFromUid: b.movedFrom }),
  });
  const calcom = {
    createBooking: async (input): Promise<CreateBookingResult> => {
      const booking = { ...freshBooking({ start: input.start, eventTypeId: input.eventTypeId, attendee: { name: input.attendee.name, timeZone: input.attendee.timeZone }, metadata: input.metadata }), status: 'accepted' };
      bookings.set(booking.uid, booking);
      return { outcome: 'answered', httpStatus: 201, booking: port(booking), latencyMs: 5 };
    },
    // Cal.com makes the move, then fails before answering.
    rescheduleBooking: async (input): Promise<CreateBookingResult> => {
      const old = bookings.get(input.uid)!;
      const moved = { ...freshBooking({ start: input.start, eventTypeId: old.eventTypeId, attendee: { name: old.attendees[0]!.name, timeZone: old.attendees[0]!.timeZone }, metadata: old.metadata }), status: 'accepted', movedFrom: old.uid };
      bookings.set(moved.uid, moved);
      bookings.set(old.uid, { ...old, status: 'cancelled', movedTo: moved.uid });
      return { outcome: 'unreachable', reason: 'server_error', httpStatus: 500, message: 'Internal server error', latencyMs: 5 };
    },
    cancelBooking: async (uid) => {
      cancels.push(uid);
      const b = bookings.get(uid);
      if (!b) return { outcome: 'rejected', httpStatus: 404, message: `Booking with uid=${uid} was not found in the database`, latencyMs: 5 };
      if (b.status === 'cancelled') return { outcome: 'rejected', httpStatus: 400, message: 'This booking has already been cancelled.', latencyMs: 5 };
      bookings.set(uid, { ...b, status: 'cancelled' });
      return { outcome: 'cancelled', latencyMs: 5 };
    },
    getBooking: async (uid) => {
      await duringLookup?.(uid);
      const b = bookings.get(uid);
      return b ? { outcome: 'found', booking: port(b), latencyMs: 5 } : { outcome: 'not_found', latencyMs: 5 };
    },
  } as Partial<CalcomClient> as CalcomClient;

  beforeAll(async () => {
    db = await openDb();
    store = await createPostgresEventStore(db);
  });
  afterEach(() => void (duringLookup = undefined));
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  const deps = (): UseCaseDeps => ({ store, calcom, telemetry: silentTelemetry, settings: testSettings({ eventTypeId: EVENT_TYPE }), now: () => new Date() });

  /** Given a confirmed booking whose move Cal.com made but whose answer was lost. */
  const givenLostMove = async () => {
    n += 1;
    const callId = `call_cancel_lost_move_${n}_${Date.now()}`;
    const slot = new Date(Date.parse('2031-08-01T07:00:00.000Z') + n * 3_600_000).toISOString();
    const bookingId = (await bookAppointment(deps(), { callId, requestId: `book-${n}` }, { slotStartUtc: slot, name: 'Caller' })).booking_id!;
    const old = [...bookings.values()].find((b) => b.metadata.booking_ref === bookingId)!;
    await receiveCalcomWebhook(deps(), Buffer.from(JSON.stringify(webhookFor(old))));
    await rescheduleAppointment(deps(), { callId, requestId: `move-${n}` }, { bookingId, newSlotStartUtc: new Date(Date.parse(slot) + 86_400_000).toISOString() });
    const moved = bookings.get(bookings.get(old.uid)!.movedTo!)!;
    return { bookingId, callId, old, moved };
  };

  it('given the move\'s BOOKING_RESCHEDULED lands while the cancel looks the old uid up, then the cancel is made at the new uid and the caller hears cancelled', async () => {
    const { bookingId, callId, old, moved } = await givenLostMove();
    duringLookup = async (uid) => {
      if (uid !== old.uid) return;
      duringLookup = undefined;
      await receiveCalcomWebhook(deps(), Buffer.from(JSON.stringify(webhookFor(moved, 'BOOKING_RESCHEDULED', { rescheduleUid: old.uid, fromReschedule: old.uid }))));
    };

    const answer = await cancelAppointment(deps(), { callId, requestId: `cancel-${n}` }, { bookingId });

    expect(answer).toMatchObject({ success: true, status: 'cancelled', booking_id: bookingId });
    expect(cancels.slice(-2)).toEqual([old.uid, moved.uid]);
    expect(bookings.get(moved.uid)!.status).toBe('cancelled');
  });

  it('given another delivery of the cancel located and cancelled it while this one looked the new uid up, then this one answers cancelled too (not "try again")', async () => {
    const { bookingId, callId, moved } = await givenLostMove();
    duringLookup = async (uid) => {
      if (uid !== moved.uid) return;
      duringLookup = undefined;
      expect(await cancelAppointment(deps(), { callId, requestId: `cancel-${n}-first` }, { bookingId })).toMatchObject({ success: true, status: 'cancelled' });
    };

    const answer = await cancelAppointment(deps(), { callId, requestId: `cancel-${n}-second` }, { bookingId });

    expect(answer).toMatchObject({ success: true, status: 'cancelled', booking_id: bookingId });
    expect(cancels.filter((uid) => uid === moved.uid)).toHaveLength(1);
  });
});

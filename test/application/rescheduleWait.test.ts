import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { CalcomBooking, CalcomClient, CreateBookingResult } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { rescheduleAppointment } from '../../src/application/useCases/rescheduleAppointment';
import { bookingStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { freshBooking, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { testSettings } from '../support/settings';

/**
 * reschedule_appointment's wait starts from the state its own move request and Cal.com's answer left
 * (as book_appointment's does): once Cal.com has answered, a move answered without waiting reads the
 * booking's stream no more, and one that waits is woken by the BOOKING_RESCHEDULED that proves it.
 */
const EVENT_TYPE = 2563193;

describe.each(sqlTargets)('reschedule_appointment waits from its own work (%s)', (_name, openDb) => {
  let db: SqlDatabase;
  let store: EventStore;
  let n = 0;
  const bookings = new Map<string, CalcomBookingJson>();
  /** What a reschedule answer had Cal.com send (webhook later). */
  let lastMoved: CalcomBookingJson | undefined;
  let readsAfterAnswer: (() => number) | undefined;
  let onMoved: ((moved: CalcomBookingJson) => Promise<void>) | undefined;

  /** The port's reading of Cal.com's answers (apiAnswers.ts createdBooking / rescheduledBooking: new uid, metadata copied, rescheduledFromUid). */
  const asPort = (b: CalcomBookingJson, extra: Partial<CalcomBooking> = {}): CreateBookingResult => ({
    outcome: 'answered',
    httpStatus: 201,
    booking: { id: b.id, uid: b.uid, status: 'accepted', start: b.start, end: b.end, eventTypeId: b.eventTypeId, metadata: b.metadata, attendees: b.attendees, ...extra },
    latencyMs: 5,
  });
  const calcom = {
    createBooking: async (input) => {
      const booking = freshBooking({ start: input.start, eventTypeId: input.eventTypeId, attendee: { name: input.attendee.name, timeZone: input.attendee.timeZone }, metadata: input.metadata });
      bookings.set(booking.uid, booking);
      return asPort(booking);
    },
    rescheduleBooking: async (input) => {
      const old = bookings.get(input.uid)!;
      const moved = { ...freshBooking({ start: input.start, eventTypeId: old.eventTypeId, attendee: { name: old.attendees[0]!.name, timeZone: old.attendees[0]!.timeZone }, metadata: old.metadata }) };
      bookings.set(moved.uid, moved);
      lastMoved = moved;
      await onMoved?.(moved);
      return asPort(moved, { rescheduledFromUid: old.uid });
    },
  } as Partial<CalcomClient> as CalcomClient;

  /** The store, counting reads of one booking's stream from the moment Cal.com answers the reschedule. */
  const counting = (bookingId: string): EventStore => {
    let reads: number | undefined;
    readsAfterAnswer = () => reads ?? -1;
    const previous = onMoved;
    onMoved = async (moved) => {
      reads = 0;
      await previous?.(moved);
    };
    return {
      ...store,
      readStream: (streamId, options) => {
        if (streamId === bookingStreamId(bookingId) && reads !== undefined) reads += 1;
        return store.readStream(streamId, options);
      },
      onAppended: store.onAppended!.bind(store),
    };
  };

  beforeAll(async () => {
    db = await openDb();
    store = await createPostgresEventStore(db);
  });
  afterEach(() => {
    onMoved = undefined;
    lastMoved = undefined;
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  const deps = (overrides: Partial<UseCaseDeps> = {}): UseCaseDeps => ({ store, calcom, telemetry: silentTelemetry, settings: testSettings({ eventTypeId: EVENT_TYPE }), now: () => new Date(), ...overrides });

  /** Given a booking confirmed by its BOOKING_CREATED. */
  const givenConfirmed = async () => {
    n += 1;
    const callId = `call_reschedule_wait_${n}_${Date.now()}`;
    const slot = new Date(Date.parse('2031-08-01T07:00:00.000Z') + n * 3_600_000).toISOString();
    const booked = await bookAppointment(deps(), { callId, requestId: `book-${n}` }, { slotStartUtc: slot, name: 'Caller' });
    const bookingId = booked.booking_id!;
    const booking = [...bookings.values()].find((b) => b.metadata.booking_ref === bookingId)!;
    await receiveCalcomWebhook(deps(), Buffer.from(JSON.stringify(webhookFor(booking))));
    return { bookingId, callId, newSlot: new Date(Date.parse(slot) + 86_400_000).toISOString() };
  };

  it('given a confirmed booking and no wait (CONFIRMATION_WAIT_MS=0), when Cal.com accepts the move, then the answer is recorded and told without reading the stream again', async () => {
    const { bookingId, callId, newSlot } = await givenConfirmed();
    const counted = counting(bookingId);

    const answer = await rescheduleAppointment(deps({ store: counted }), { callId, requestId: `move-${n}` }, { bookingId, newSlotStartUtc: newSlot });

    expect(answer).toMatchObject({ booking_id: bookingId, status: 'pending' });
    expect(readsAfterAnswer!()).toBe(0);
  });

  it('given a wait, when the BOOKING_RESCHEDULED lands while it waits, then it is woken and answers the move proven', async () => {
    const { bookingId, callId, newSlot } = await givenConfirmed();
    const started = Date.now();
    const moving = rescheduleAppointment(deps({ settings: testSettings({ eventTypeId: EVENT_TYPE, confirmationWaitMs: 30_000, confirmationPollMs: 30_000 }) }), { callId, requestId: `move-${n}` }, { bookingId, newSlotStartUtc: newSlot });
    const oldUid = [...bookings.values()].find((b) => b.metadata.booking_ref === bookingId && b.start !== newSlot)!.uid;
    while (!lastMoved) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // its answer recorded, the wait listening
    await receiveCalcomWebhook(deps(), Buffer.from(JSON.stringify(webhookFor(lastMoved, 'BOOKING_RESCHEDULED', { rescheduleUid: oldUid, fromReschedule: oldUid }))));

    const answer = await moving;

    expect(answer).toMatchObject({ booking_id: bookingId, status: 'confirmed' });
    expect(Date.now() - started).toBeLessThan(25_000); // woken, not the 30 s deadline or poll (a wide gap: load cannot close it)
  });

  it('given the move already requested by an earlier delivery of the call, when a retry joins it without waiting, then it answers from the read it made while listening', async () => {
    const { bookingId, callId, newSlot } = await givenConfirmed();
    await rescheduleAppointment(deps(), { callId, requestId: `move-${n}` }, { bookingId, newSlotStartUtc: newSlot });
    let reads = 0;
    const counted: EventStore = { ...store, readStream: (id, o) => ((reads += id === bookingStreamId(bookingId) ? 1 : 0), store.readStream(id, o)), onAppended: store.onAppended!.bind(store) };

    const again = await rescheduleAppointment(deps({ store: counted }), { callId, requestId: `move-${n}-again` }, { bookingId, newSlotStartUtc: newSlot });

    expect(again).toMatchObject({ booking_id: bookingId, status: 'pending' });
    expect(reads).toBe(2); // finding the booking, and the RequestMove decided on a read made once the wait listened
  });
});

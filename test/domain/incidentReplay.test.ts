import { decide, evolve, initialState, type Booking, type BookingCommand, type BookingEvent } from '../../src/domain';
import { CALCOM_CREATED_AT, CALCOM_ID, EVENT_TYPE_ID, SHARED_FALLBACK_EMAIL, SLOT_START, UID, booking687, booking688, call687, call688, calcomBooking687 } from '../fixtures/incident';

/** Runs commands through the decider, keeping each booking's history as the event store would. */
const run = (history: BookingEvent[], command: BookingCommand): BookingEvent[] => {
  const state = history.reduce(evolve, initialState());
  return [...history, ...decide(command, state)];
};
const stateOf = (history: BookingEvent[]): Booking => history.reduce(evolve, initialState());

const request = (bookingId: string, call: typeof call687): BookingCommand => ({
  type: 'RequestBooking',
  data: { bookingId, callId: call.callId, eventTypeId: EVENT_TYPE_ID, slotStart: SLOT_START, timeZone: 'Europe/Berlin', service: 'Beratung', language: 'de', attendee: { name: call.name, email: SHARED_FALLBACK_EMAIL }, practiceId: 'default', now: call.at },
});
const calcomAnswer = { httpStatus: 200, uid: UID, calcomBookingId: CALCOM_ID, status: 'accepted', start: SLOT_START, createdAt: CALCOM_CREATED_AT, metadata: calcomBooking687.metadata, attendees: [{ name: call687.name, email: SHARED_FALLBACK_EMAIL }], latencyMs: 380 };

describe('The incident of 2025-10-06, replayed through the decider', () => {
  // Call 687 books at 11:04:54 and owns the uid; the webhook confirms it.
  let h687 = run([], request(booking687, call687));
  h687 = run(h687, { type: 'RecordCalcomAnswer', data: { answer: calcomAnswer, uidOwner: booking687, now: '2025-10-06T09:05:21.400Z' } });
  const created = { deliveryId: 'w-687', triggerEvent: 'BOOKING_CREATED' as const, uid: UID, calcomBookingId: CALCOM_ID, startTime: SLOT_START, metadata: calcomBooking687.metadata, createdAt: '2025-10-06T09:05:21.900Z' };
  h687 = run(h687, { type: 'RecordWebhook', data: { delivery: created, now: '2025-10-06T09:05:22.000Z' } });

  // Call 688 asks for the same slot at 11:39:22; Cal.com answers with 687's booking (same uid, old createdAt, 687's metadata).
  let h688 = run([], request(booking688, call688));
  h688 = run(h688, { type: 'RecordCalcomAnswer', data: { answer: calcomAnswer, uidOwner: booking687, now: '2025-10-06T09:39:22.600Z' } });
  // Even 687's webhook, were it misrouted to 688, proves nothing for 688.
  h688 = run(h688, { type: 'RecordWebhook', data: { delivery: { ...created, deliveryId: 'w-687-again' }, now: '2025-10-06T09:39:23.000Z' } });

  it('confirms call 687 through its webhook', () => {
    expect(stateOf(h687)).toMatchObject({ status: 'confirmed', uid: UID, callId: call687.callId });
  });

  it('ends call 688 as a duplicate naming every reason and the owner, never confirmed', () => {
    const duplicate = h688.find((e) => e.type === 'DuplicateDetected');
    expect(duplicate).toMatchObject({
      data: {
        bookingId: booking688,
        reasons: ['metadata_booking_ref_mismatch', 'stale_created_at', 'metadata_call_id_mismatch', 'attendee_mismatch', 'uid_already_claimed'],
        conflicting: { uid: UID, createdAt: CALCOM_CREATED_AT, metadataCallId: call687.callId, ownerBookingId: booking687 },
      },
    });
    expect(stateOf(h688).status).toBe('duplicate');
    expect(h688.map((e) => e.type)).not.toContain('BookingConfirmedByWebhook');
    expect(h688.map((e) => e.type)).toEqual(['BookingRequested', 'CalcomResponded', 'DuplicateDetected', 'WebhookMismatchRecorded']);
  });

  it('keeps the raw Cal.com answer for analysts', () => {
    expect(h688[1]).toMatchObject({ type: 'CalcomResponded', data: { uid: UID, createdAt: CALCOM_CREATED_AT, metadata: { call_id: call687.callId } } });
  });
});

import { bookingIdFor } from '../../src/domain';
import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, REQUESTED_AT, requested } from '../support/bookingFixtures';

const request = {
  type: 'RequestBooking' as const,
  data: {
    bookingId: BOOKING,
    callId: CALL,
    eventTypeId: 2563193,
    slotStart: '2025-10-10T06:00:00.000Z',
    timeZone: 'Europe/Berlin',
    service: 'Beratung',
    language: 'de' as const,
    attendee: { name: 'Hansi Sputer', email: 'hansi@example.org' },
    practiceId: 'default',
    now: REQUESTED_AT,
  },
};

describe('RequestBooking', () => {
  it('given nothing, when a booking is requested, then BookingRequested is recorded before anything else', () => {
    given([]).when(request).then([requested()]);
  });

  it('given the booking was already requested, when the same call retries, then nothing new happens', () => {
    given([requested()]).when(request).thenNothingHappens();
  });

  it('moves the booking to requested', () => {
    given([]).when(request).thenState({ status: 'requested', callId: CALL, requestedAt: REQUESTED_AT });
  });
});

describe('bookingIdFor', () => {
  it('is the same for the same call, event type and instant however the instant is written', () => {
    expect(bookingIdFor(CALL, 1, '2025-10-10T08:00:00+02:00')).toBe(bookingIdFor(CALL, 1, '2025-10-10T06:00:00.000Z'));
  });

  it('differs when the call, the event type or the slot differs', () => {
    const base = bookingIdFor(CALL, 1, '2025-10-10T06:00:00Z');
    expect(new Set([base, bookingIdFor('call_other', 1, '2025-10-10T06:00:00Z'), bookingIdFor(CALL, 2, '2025-10-10T06:00:00Z'), bookingIdFor(CALL, 1, '2025-10-10T06:15:00Z')]).size).toBe(4);
    expect(base).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('RequestBooking after Cal.com could not be reached', () => {
  const failed = (reason: 'network' | 'timeout' | 'circuit_open'): import('../../src/domain').BookingEvent => ({
    type: 'CalcomRequestFailed',
    data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, reason, message: reason, latencyMs: 5 },
  });

  it('given the request never reached Cal.com, when the call retries, then it is requested again', () => {
    given([requested(), failed('network')]).when(request).then([requested()]);
    given([requested(), failed('circuit_open')]).when(request).thenState({ status: 'requested', calcomAnswered: false, failure: undefined });
  });

  it('given Cal.com timed out (it may have created the booking), when the call retries, then nothing is requested again', () => {
    given([requested(), failed('timeout')]).when(request).thenNothingHappens();
  });
});

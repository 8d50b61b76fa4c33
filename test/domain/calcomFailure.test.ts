import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, requested } from '../support/bookingFixtures';

const now = '2025-10-06T09:05:30.000Z';
const fail = (reason: 'timeout' | 'rejected' | 'server_error', httpStatus: number | undefined, message: string) => ({
  type: 'RecordCalcomFailure' as const,
  data: { reason, httpStatus, message, latencyMs: 8000, now },
});
const facts = { bookingId: BOOKING, callId: CALL, occurredAt: now };

describe('RecordCalcomFailure', () => {
  it('given a request, when Cal.com says the host already has a booking, then the slot is unavailable', () => {
    const message = 'User either already has booking at this time or is not available';
    given([requested()]).when(fail('rejected', 400, message)).then([{ type: 'SlotUnavailable', data: { ...facts, httpStatus: 400, message } }]);
  });

  it('treats a 409 conflict as a taken slot', () => {
    given([requested()]).when(fail('rejected', 409, 'booking_conflict')).thenState({ status: 'slot_unavailable' });
  });

  it.each([
    ['the team variant', 'One of the hosts either already has booking at this time or is not available'],
    ['the booking window / minimum notice', 'The event type can\'t be booked at the "start" time provided. This could be because it\'s too soon (violating the minimum booking notice) or too far in the future (outside the event\'s scheduling window).'],
    ['a slot in the past', 'Attempting to book a meeting in the past.'],
  ])('treats %s as a slot that is gone (alternatives are offered)', (_label, message) => {
    given([requested()]).when(fail('rejected', 400, message)).thenState({ status: 'slot_unavailable' });
  });

  it('records a required booking field the agent cannot fill as a configuration refusal, naming the field', () => {
    given([requested()]).when(fail('rejected', 400, 'responses - {customerNumber}error_required_field, ')).then([
      { type: 'CalcomRequestFailed', data: { ...facts, reason: 'rejected', httpStatus: 400, message: 'responses - {customerNumber}error_required_field, ', latencyMs: 8000, refusal: 'booking_field_required', field: 'customerNumber' } },
    ]);
  });

  it('records a refused phone number and a refused API key as what they are', () => {
    given([requested()]).when(fail('rejected', 400, 'responses - {attendeePhoneNumber}invalid_number, ')).thenState({ status: 'failed', failure: { reason: 'rejected', refusal: 'invalid_phone' } as never });
    given([requested()]).when(fail('rejected', 401, 'ApiAuthStrategy - api key - Your api key is not valid')).thenState({ failure: { refusal: 'unauthorized' } as never });
  });

  it('records other refusals as failures, after which the same call may try again (a refusal created nothing)', () => {
    const failed = given([requested()]).when(fail('rejected', 400, 'Invalid event length')).events();
    expect(failed).toMatchObject([{ type: 'CalcomRequestFailed', data: { ...facts, reason: 'rejected', httpStatus: 400, refusal: 'other' } }]);
    given([requested(), ...failed])
      .when({ type: 'RequestBooking', data: { ...(requested().data as never as Record<string, never>), attendee: { name: 'Hansi Sputer', email: 'h@example.org', phoneNumber: '+491712345678' }, now } as never })
      .thenMatches([{ type: 'BookingRequested' }]);
  });

  it('records a timeout as failed, not as booked and not as free', () => {
    given([requested()]).when(fail('timeout', undefined, 'timeout of 8000ms exceeded')).thenState({ status: 'failed', failure: { reason: 'timeout', message: 'timeout of 8000ms exceeded' } });
  });

  it('given nothing was requested, when a failure is recorded, then nothing happens', () => {
    given([]).when(fail('server_error', 503, 'unavailable')).thenNothingHappens();
  });
});

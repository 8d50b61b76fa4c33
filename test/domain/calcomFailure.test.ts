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

  it('records other refusals as failures', () => {
    given([requested()]).when(fail('rejected', 400, 'Attempting to book a meeting in the past.')).thenMatches([
      { type: 'CalcomRequestFailed', data: { ...facts, reason: 'rejected', httpStatus: 400 } },
    ]);
  });

  it('records a timeout as failed, not as booked and not as free', () => {
    given([requested()]).when(fail('timeout', undefined, 'timeout of 8000ms exceeded')).thenState({ status: 'failed', failure: { reason: 'timeout', message: 'timeout of 8000ms exceeded' } });
  });

  it('given nothing was requested, when a failure is recorded, then nothing happens', () => {
    given([]).when(fail('server_error', 503, 'unavailable')).thenNothingHappens();
  });
});

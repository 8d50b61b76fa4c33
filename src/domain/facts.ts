import type { Booking } from './booking';
import { BookingRuleViolation } from './commands';

/** The fields every new event of a booking repeats: which booking, which call, when it happened. */
export const factsOf = (state: Booking, occurredAt: string) => {
  if (!state.bookingId || !state.callId) throw new BookingRuleViolation('The booking was never requested');
  return { bookingId: state.bookingId, callId: state.callId, occurredAt };
};

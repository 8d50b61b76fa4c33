import type { Booking } from './booking';
import { BookingRuleViolation, type ReconcileLookup } from './commands';
import type { EventOf } from './events';

/** The fields every new event of a booking repeats: which booking, which call, when it happened. */
export const factsOf = (state: Booking, occurredAt: string) => {
  if (!state.bookingId || !state.callId) throw new BookingRuleViolation('The booking was never requested');
  return { bookingId: state.bookingId, callId: state.callId, occurredAt };
};

type LookedUp = EventOf<'CalcomBookingLookedUp'>;

/** What GET /v2/bookings/{uid} said, recorded for one purpose (what Cal.com holds, if it found the booking). */
export const lookedUp = (state: Booking, now: string, uid: string | undefined, lookup: ReconcileLookup, purpose: LookedUp['data']['purpose'], deliveryId?: string): LookedUp => {
  const found =
    lookup.outcome === 'found'
      ? { calcomStatus: lookup.calcomStatus, metadataCallId: lookup.metadataCallId, ...(lookup.rescheduledToUid !== undefined && { rescheduledToUid: lookup.rescheduledToUid }) }
      : {};
  return { type: 'CalcomBookingLookedUp', data: { ...factsOf(state, now), uid, outcome: lookup.outcome, ...found, purpose, ...(deliveryId !== undefined && { deliveryId }) } };
};

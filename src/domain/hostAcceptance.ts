import type { Booking } from './booking';
import type { ReconcileLookup } from './commands';
import type { BookingEvent } from './events';
import { factsOf, lookedUp } from './facts';

/** Cal.com still holds the booking, accepted, with our call id in its stored metadata. */
const backsUp = (booking: Booking, lookup: ReconcileLookup): boolean =>
  lookup.outcome === 'found' && lookup.calcomStatus === 'accepted' && lookup.metadataCallId === booking.callId;

/**
 * The lookup made for a pending host acceptance, recorded first, then what it proves: the confirmation,
 * a mismatch (Cal.com holds something else), or nothing yet (Cal.com unreachable: the reconciler asks again).
 */
export const settleHostAcceptance = (state: Booking, lookup: ReconcileLookup, now: string): BookingEvent[] => {
  const pending = state.hostAcceptance;
  if (!pending || state.confirmedAt !== undefined) return [];
  const looked = lookedUp(state, now, pending.uid, lookup, 'host_acceptance', pending.deliveryId);
  if (lookup.outcome === 'unreachable' || lookup.outcome === 'not_looked_up') return [looked];
  const fromDelivery = { ...factsOf(state, now), uid: pending.uid, deliveryId: pending.deliveryId };
  if (backsUp(state, lookup)) {
    return [looked, { type: 'BookingConfirmedByWebhook', data: { ...fromDelivery, calcomBookingId: pending.calcomBookingId, via: 'host_acceptance' } }];
  }
  const mismatch: BookingEvent = {
    type: 'WebhookMismatchRecorded',
    data: { ...fromDelivery, triggerEvent: 'BOOKING_CREATED', reasons: ['host_acceptance_unverified'], receivedCallId: lookup.outcome === 'found' ? lookup.metadataCallId : undefined },
  };
  return [looked, mismatch];
};

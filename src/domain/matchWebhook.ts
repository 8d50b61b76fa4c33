import type { Booking } from './booking';
import type { WebhookDelivery } from './commands';
import type { WebhookMismatchReason } from './events';

/** Does this delivery concern this booking's Cal.com booking? By uid, old uid, or our `booking_ref`. */
export const concernsBooking = (booking: Booking, delivery: WebhookDelivery): boolean =>
  delivery.metadata.booking_ref === booking.bookingId ||
  (booking.uid !== undefined && (delivery.uid === booking.uid || delivery.rescheduleUid === booking.uid));

/**
 * The confirmation rule: a BOOKING_CREATED (or BOOKING_REQUESTED) proves this booking only when its
 * `metadata.call_id` is the booking's call id and it concerns this booking. Returns what is missing.
 */
export const proofGaps = (booking: Booking, delivery: WebhookDelivery): WebhookMismatchReason[] => {
  const gaps: WebhookMismatchReason[] = [];
  const callId = delivery.metadata.call_id;
  if (callId === undefined || callId === '') gaps.push('call_id_missing');
  else if (callId !== booking.callId) gaps.push('call_id_mismatch');
  if (!concernsBooking(booking, delivery)) gaps.push('uid_mismatch');
  return gaps;
};

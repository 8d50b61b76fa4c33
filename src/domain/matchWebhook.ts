import type { Booking } from './booking';
import type { WebhookDelivery } from './commands';
import type { WebhookMismatchReason } from './events';

/** Does this delivery concern this booking's Cal.com booking? By uid, old uid, or our `booking_ref`. */
export const concernsBooking = (booking: Booking, delivery: WebhookDelivery): boolean =>
  delivery.metadata.booking_ref === booking.bookingId ||
  (booking.uid !== undefined && (delivery.uid === booking.uid || delivery.rescheduleUid === booking.uid));

/**
 * The confirmation rule: a BOOKING_CREATED (or BOOKING_REQUESTED) proves this booking only when its
 * `metadata.call_id` is the booking's call id and its uid is the booking's uid or its `booking_ref` is
 * the booking (an old uid it was moved from proves nothing). Returns what is missing.
 */
export const proofGaps = (booking: Booking, delivery: WebhookDelivery): WebhookMismatchReason[] => {
  const gaps: WebhookMismatchReason[] = [];
  const callId = delivery.metadata.call_id;
  if (callId === undefined || callId === '') gaps.push('call_id_missing');
  else if (callId !== booking.callId) gaps.push('call_id_mismatch');
  const provesThisBooking = delivery.metadata.booking_ref === booking.bookingId || (booking.uid !== undefined && delivery.uid === booking.uid);
  if (!provesThisBooking) gaps.push('uid_mismatch');
  return gaps;
};

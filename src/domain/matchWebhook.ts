import type { Booking } from './booking';
import type { WebhookDelivery } from './commands';
import type { WebhookMismatchReason } from './events';

/**
 * Does this booking own the delivery's uid? Its verified uid is its own; any other uid only when the
 * booking holds that uid's claim now (`uidOwner`, read or won by the use case just before deciding) and
 * has not moved away from it (a uid Cal.com replaced by rescheduling is a former uid).
 * A valid signature proves Cal.com sent the delivery, not that its uid is this booking's.
 */
export const ownsUid = (booking: Booking, uid: string, uidOwner: string | undefined): boolean =>
  uid === booking.uid || (uidOwner !== undefined && uidOwner === booking.bookingId && !booking.formerUids?.includes(uid));

/** Why a delivery's uid cannot be this booking's: another booking's claim, or no link at all. */
export const uidGaps = (booking: Booking, delivery: WebhookDelivery, uidOwner: string | undefined): WebhookMismatchReason[] => {
  if (ownsUid(booking, delivery.uid, uidOwner)) return [];
  if (uidOwner !== undefined && uidOwner !== booking.bookingId) return ['uid_owned_by_other_booking'];
  return ['uid_mismatch'];
};

/**
 * The confirmation rule: a BOOKING_CREATED (or BOOKING_REQUESTED) proves this booking only when its
 * `metadata.call_id` is the booking's call id, it names this booking (its uid is the booking's, or its
 * `booking_ref` is the booking), and the booking owns its uid. Returns what is missing.
 */
export const proofGaps = (booking: Booking, delivery: WebhookDelivery, uidOwner: string | undefined): WebhookMismatchReason[] => {
  const gaps: WebhookMismatchReason[] = [];
  const callId = delivery.metadata.call_id;
  if (callId === undefined || callId === '') gaps.push('call_id_missing');
  else if (callId !== booking.callId) gaps.push('call_id_mismatch');
  const namesThisBooking = delivery.metadata.booking_ref === booking.bookingId || delivery.uid === booking.uid;
  if (!namesThisBooking) gaps.push('uid_mismatch');
  else gaps.push(...uidGaps(booking, delivery, uidOwner));
  return gaps;
};

/**
 * Cal.com's BOOKING_CREATED when a host accepts a requires-confirmation booking carries no metadata.
 * It can still prove this booking, after a lookup, when its uid is the uid Cal.com gave this booking
 * together with our metadata.
 */
export const isHostAcceptance = (booking: Booking, delivery: WebhookDelivery): boolean =>
  delivery.triggerEvent === 'BOOKING_CREATED' &&
  !delivery.metadata.call_id &&
  !delivery.metadata.booking_ref &&
  booking.verifiedUid !== undefined &&
  delivery.uid === booking.verifiedUid &&
  delivery.uid === booking.uid;

/** The use case asks Cal.com (GET /v2/bookings/{uid}) before deciding such a delivery. */
export const needsHostAcceptanceLookup = (booking: Booking, delivery: WebhookDelivery): boolean =>
  booking.status !== 'none' &&
  !booking.deliveries.includes(delivery.deliveryId) &&
  booking.confirmedAt === undefined &&
  isHostAcceptance(booking, delivery);

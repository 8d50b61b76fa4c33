import type { Booking } from './booking';
import type { CalcomAnswer } from './commands';
import type { Attendee, DuplicateReason } from './events';

/** Cal.com's clock may run ahead of or behind ours; a genuinely new booking is never older than this. */
export const CLOCK_SKEW_ALLOWANCE_MS = 30_000;

const normalizeName = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');
const digits = (phone: string) => phone.replace(/\D/g, '');

const sameAttendee = (ours: Attendee, theirs: Attendee): boolean => {
  if (normalizeName(ours.name) !== normalizeName(theirs.name)) return false;
  if (ours.email) return ours.email.toLowerCase() === theirs.email?.toLowerCase();
  if (ours.phoneNumber) return digits(ours.phoneNumber) === digits(theirs.phoneNumber ?? '');
  return false;
};

/**
 * Is Cal.com's answer this booking, or another booking handed back (the incident)?
 * Ours when its metadata `booking_ref` is this booking (a retry of our own attempt counts);
 * otherwise it must be fresh, carry our `call_id`, and match the attendee. Returns every reason
 * that makes it someone else's; an empty list means it is ours.
 */
export const duplicateReasonsFor = (booking: Booking, answer: CalcomAnswer, uidOwner: string | undefined): DuplicateReason[] => {
  const reasons: DuplicateReason[] = [];
  const bookingRef = answer.metadata.booking_ref;
  const refIsOurs = bookingRef === booking.bookingId;

  if (bookingRef !== undefined && !refIsOurs) reasons.push('metadata_booking_ref_mismatch');
  if (!refIsOurs) {
    const created = answer.createdAt ? Date.parse(answer.createdAt) : Number.NaN;
    const requested = Date.parse(booking.requestedAt ?? '');
    if (Number.isNaN(created) || created < requested - CLOCK_SKEW_ALLOWANCE_MS) reasons.push('stale_created_at');
    if (answer.metadata.call_id !== booking.callId) reasons.push('metadata_call_id_mismatch');
    if (!booking.attendee || !answer.attendees.some((a) => sameAttendee(booking.attendee!, a))) reasons.push('attendee_mismatch');
  }
  if (booking.slotStart && Date.parse(answer.start) !== Date.parse(booking.slotStart)) reasons.push('slot_mismatch');
  if (uidOwner !== undefined && uidOwner !== booking.bookingId) reasons.push('uid_already_claimed');
  return reasons;
};

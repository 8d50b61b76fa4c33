import type { Booking, CalcomSearch } from '../domain';
import type { CalcomBooking, CalcomClient } from './ports/calcom';

/**
 * Does Cal.com hold this booking? GET /v2/bookings by the attendee email we sent, the event type and a
 * window around the slot; a match must start at our slot and carry our booking_ref (another caller's
 * booking at the same time is not ours, whatever else matches).
 */
export const searchCalcomFor = async (calcom: CalcomClient, state: Booking): Promise<{ search: CalcomSearch; booking?: CalcomBooking }> => {
  if (!state.attendee?.email || !state.slotStart || !state.bookingId || state.eventTypeId === undefined) return { search: { outcome: 'none' } };
  const start = Date.parse(state.slotStart);
  const result = await calcom.findBookings({
    attendeeEmail: state.attendee.email,
    eventTypeId: state.eventTypeId,
    afterStart: new Date(start - 60_000).toISOString(),
    beforeEnd: new Date(start + 24 * 3_600_000).toISOString(),
  });
  if (result.outcome !== 'ok') return { search: { outcome: 'unreachable' } };
  const ours = result.bookings.find((b) => b.metadata.booking_ref === state.bookingId && Date.parse(b.start) === start);
  if (!ours) return { search: { outcome: 'none' } };
  return { search: { outcome: 'found', uid: ours.uid, calcomBookingId: ours.id, status: ours.status }, booking: ours };
};

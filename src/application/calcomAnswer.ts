import type { CalcomAnswer } from '../domain';
import type { CalcomBooking } from './ports/calcom';

/** What the decider judges of a booking Cal.com answered with (a create's or a reschedule's). */
export const calcomAnswerOf = (httpStatus: number, booking: CalcomBooking, latencyMs: number): CalcomAnswer => ({
  httpStatus,
  uid: booking.uid,
  calcomBookingId: booking.id,
  status: booking.status,
  start: booking.start,
  createdAt: booking.createdAt,
  metadata: booking.metadata,
  attendees: booking.attendees.map(({ name, email, phoneNumber }) => ({ name, email, phoneNumber })),
  latencyMs,
});

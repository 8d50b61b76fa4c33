import { z } from 'zod';
import { attendeeSchema, bookingFacts, calcomFailureReasons, isoInstant } from './common';

/** We decided to book a slot for a caller, before calling Cal.com. */
export const BookingRequested = z.object({
  type: z.literal('BookingRequested'),
  data: z.object({
    ...bookingFacts,
    eventTypeId: z.number().int(),
    slotStart: isoInstant,
    timeZone: z.string(),
    service: z.string().optional(),
    language: z.enum(['de', 'en']),
    /** The attendee exactly as sent to Cal.com (email may be the per-call placeholder). */
    attendee: attendeeSchema,
    /** v2: the caller's number as Retell reported it (E.164), the trusted identity for calls that come back. */
    callerNumber: z.string().optional(),
  }),
});

/** Cal.com answered the create request with a booking: the raw facts, not yet judged. */
export const CalcomResponded = z.object({
  type: z.literal('CalcomResponded'),
  data: z.object({
    ...bookingFacts,
    httpStatus: z.number().int(),
    uid: z.string(),
    calcomBookingId: z.number(),
    status: z.string(),
    start: isoInstant,
    createdAt: z.string().optional(),
    metadata: z.record(z.string(), z.string()),
    attendees: z.array(attendeeSchema),
    latencyMs: z.number(),
  }),
});

/** Cal.com refused the slot (taken, or the host is busy). */
export const SlotUnavailable = z.object({
  type: z.literal('SlotUnavailable'),
  data: z.object({ ...bookingFacts, httpStatus: z.number().int(), message: z.string() }),
});

/** Cal.com could not be reached, failed, or refused for another reason: the booking may or may not exist. */
export const CalcomRequestFailed = z.object({
  type: z.literal('CalcomRequestFailed'),
  data: z.object({
    ...bookingFacts,
    reason: z.enum(calcomFailureReasons),
    httpStatus: z.number().int().optional(),
    message: z.string(),
    latencyMs: z.number(),
  }),
});

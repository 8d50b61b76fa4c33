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
    /** v3: the practice the booking is for (earlier bookings: the environment's practice, `default`). */
    practiceId: z.string().min(1),
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

/** v2: why Cal.com refused (a 4xx): the caller's next step depends on it. */
export const refusalKinds = ['booking_field_required', 'invalid_phone', 'unauthorized', 'other'] as const;

/** Cal.com could not be reached, failed, or refused for another reason: the booking may or may not exist. */
export const CalcomRequestFailed = z.object({
  type: z.literal('CalcomRequestFailed'),
  data: z.object({
    ...bookingFacts,
    reason: z.enum(calcomFailureReasons),
    httpStatus: z.number().int().optional(),
    message: z.string(),
    latencyMs: z.number(),
    /** v2, refusals only: what kind, and the booking field Cal.com named. */
    refusal: z.enum(refusalKinds).optional(),
    field: z.string().optional(),
  }),
});

/**
 * We asked Cal.com whether it holds this booking (GET /v2/bookings by attendee email, event type and
 * start; a match must carry our booking_ref): after a create whose outcome is unknown (a 5xx, a 409
 * conflict), or before posting for a booking whose POST may or may not have gone out (resume).
 */
export const CalcomBookingSearched = z.object({
  type: z.literal('CalcomBookingSearched'),
  data: z.object({
    ...bookingFacts,
    purpose: z.enum(['unknown_outcome', 'resume']),
    outcome: z.enum(['found', 'none', 'unreachable']),
    uid: z.string().optional(),
    calcomBookingId: z.number().optional(),
    calcomStatus: z.string().optional(),
  }),
});

/**
 * A booking with no Cal.com answer recorded for longer than the grace time (the process that should
 * have posted died between BookingRequested and the POST, or during it) is taken up again: one resumer
 * at a time per booking (this event is appended with the stream's version).
 */
export const BookingResumeStarted = z.object({
  type: z.literal('BookingResumeStarted'),
  data: z.object({ ...bookingFacts, attempt: z.number().int().min(1), trigger: z.enum(['resumer', 'retried_call']) }),
});

import { z } from 'zod';
import { bookingFacts, isoInstant } from './common';

/** What names one move: the booking and the request (retried deliveries of one function call share it). */
const move = { ...bookingFacts, moveId: z.string().min(1) };

/**
 * A caller asked to move the booking (reschedule_appointment) from `fromSlotStart` to `toSlotStart`.
 * `byCallId` is the call that asked: a caller who calls back moves a booking another call made.
 */
export const BookingMoveRequested = z.object({
  type: z.literal('BookingMoveRequested'),
  data: z.object({ ...move, byCallId: z.string().min(1), fromUid: z.string(), fromSlotStart: isoInstant, toSlotStart: isoInstant }),
});

/**
 * Cal.com answered the reschedule with a new booking: `uid` at the new time, rescheduled from `fromUid`,
 * carrying our booking_ref; its uid's claim is this booking's. Not yet proof: the webhook is.
 */
export const CalcomMoveAccepted = z.object({
  type: z.literal('CalcomMoveAccepted'),
  data: z.object({ ...move, uid: z.string(), fromUid: z.string(), calcomBookingId: z.number(), status: z.string(), httpStatus: z.number(), latencyMs: z.number() }),
});

/**
 * Cal.com's answer to the move was lost, and a lookup found where the booking went: the old uid `fromUid`
 * is CANCELLED and rescheduled to `uid`, a booking at the move's new time rescheduled from `fromUid` and
 * carrying our booking_ref; its uid's claim is this booking's. As good as the answer (CalcomMoveAccepted)
 * and, like it, not yet proof: the webhook is. `status`: what Cal.com holds `uid` as.
 */
export const CalcomMoveLocated = z.object({
  type: z.literal('CalcomMoveLocated'),
  data: z.object({ ...move, uid: z.string(), fromUid: z.string(), calcomBookingId: z.number(), status: z.string(), purpose: z.enum(['cancel', 'reconcile']) }),
});

export const moveFailureReasons = [
  /** The new time is taken, outside the booking window, or in the past. */
  'slot_unavailable',
  /** Cal.com allows no change this close to the appointment (minimum notice). */
  'too_late',
  /** Cal.com holds the booking as cancelled (or already moved elsewhere): there is nothing to move. */
  'not_reschedulable',
  /** Cal.com answered with a booking that is not this one moved (e.g. an existing booking of the caller). */
  'not_moved',
  /** Our API key was refused: a configuration error. */
  'unauthorized',
  /** Nothing was sent or Cal.com refused for another reason (network, circuit open, rate limited, other 4xx). */
  'not_sent',
  'refused',
] as const;

/** Cal.com did not move the booking: it stands where it was (`via: lookup` — a reconciler saw it unmoved). */
export const BookingMoveFailed = z.object({
  type: z.literal('BookingMoveFailed'),
  data: z.object({
    ...move,
    reason: z.enum(moveFailureReasons),
    httpStatus: z.number().optional(),
    message: z.string(),
    /** not_moved: why Cal.com's answer was not this booking moved. */
    answerReasons: z.array(z.string()).optional(),
    via: z.enum(['answer', 'lookup']),
  }),
});

/** Cal.com's answer to the reschedule was lost (timeout, 5xx): it may have moved the booking. A webhook or the reconciler will tell. */
export const CalcomMoveOutcomeUnknown = z.object({
  type: z.literal('CalcomMoveOutcomeUnknown'),
  data: z.object({ ...move, reason: z.enum(['timeout', 'server_error']), httpStatus: z.number().optional(), message: z.string(), latencyMs: z.number() }),
});

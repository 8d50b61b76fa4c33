import { z } from 'zod';
import { bookingFacts, isoInstant, webhookMismatchReasons } from './common';

const fromDelivery = { ...bookingFacts, uid: z.string(), deliveryId: z.string() };

/**
 * A BOOKING_CREATED webhook proved the booking: `metadata` — it carried this booking's call id and an
 * owned uid (or booking_ref); `host_acceptance` — it carried no metadata (the host accepted), its uid is
 * this booking's verified uid, and Cal.com's stored booking showed our call id (a lookup recorded just before).
 */
export const BookingConfirmedByWebhook = z.object({
  type: z.literal('BookingConfirmedByWebhook'),
  data: z.object({ ...fromDelivery, calcomBookingId: z.number().optional(), via: z.enum(['metadata', 'host_acceptance']) }),
});

/**
 * A BOOKING_CREATED without our metadata for this booking's verified uid: Cal.com sends it so when the
 * host accepts a requires-confirmation booking. It confirms only after a lookup backs it up.
 */
export const HostAcceptanceReceived = z.object({
  type: z.literal('HostAcceptanceReceived'),
  data: z.object({ ...fromDelivery, calcomBookingId: z.number().optional() }),
});

/** A webhook reached this booking but did not prove it: nothing was confirmed. */
export const WebhookMismatchRecorded = z.object({
  type: z.literal('WebhookMismatchRecorded'),
  data: z.object({
    ...fromDelivery,
    triggerEvent: z.string(),
    reasons: z.array(z.enum(webhookMismatchReasons)).min(1),
    receivedCallId: z.string().optional(),
  }),
});

/** Cal.com created the booking as PENDING (BOOKING_REQUESTED): the host has to confirm it. */
export const HostConfirmationRequested = z.object({
  type: z.literal('HostConfirmationRequested'),
  data: z.object(fromDelivery),
});

/** Cal.com cancelled the booking (or the agent did through Cal.com). */
export const BookingCancelled = z.object({
  type: z.literal('BookingCancelled'),
  data: z.object({
    ...bookingFacts,
    uid: z.string(),
    /** agent: Cal.com cancelled it at the caller's request; lookup: Cal.com held it cancelled when the caller asked (our earlier request, or the host). */
    source: z.enum(['webhook', 'agent', 'lookup']),
    reason: z.string().optional(),
    deliveryId: z.string().optional(),
  }),
});

export const BookingRejected = z.object({
  type: z.literal('BookingRejected'),
  data: z.object({ ...fromDelivery, reason: z.string().optional() }),
});

/**
 * Cal.com moved the booking to a new uid and slot (`uid` is the new one): BOOKING_RESCHEDULED, or v2
 * `awaitingHost` — a BOOKING_REQUESTED with `rescheduleUid` (the new time needs the host's confirmation).
 */
export const BookingRescheduled = z.object({
  type: z.literal('BookingRescheduled'),
  data: z.object({ ...fromDelivery, fromUid: z.string(), slotStart: isoInstant, awaitingHost: z.boolean() }),
});

/** The host cancelled the booking asking the attendee for a new time: not a final cancellation. */
export const RescheduleRequested = z.object({
  type: z.literal('RescheduleRequested'),
  data: z.object({ ...fromDelivery, reason: z.string().optional() }),
});

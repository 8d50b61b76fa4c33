import { z } from 'zod';
import { bookingFacts } from './common';

/** Why we asked Cal.com (v1 events were all `reconcile`; the upcaster says so). */
export const lookupPurposes = ['reconcile', 'host_acceptance', 'call_ended', 'cancel'] as const;

/** We asked Cal.com what it holds for a booking (GET /v2/bookings/{uid}), and this is what it said. */
export const CalcomBookingLookedUp = z.object({
  type: z.literal('CalcomBookingLookedUp'),
  data: z.object({
    ...bookingFacts,
    uid: z.string().optional(),
    outcome: z.enum(['found', 'not_found', 'not_looked_up', 'unreachable']),
    calcomStatus: z.string().optional(),
    metadataCallId: z.string().optional(),
    /**
     * The uid Cal.com moved the booking to (its `rescheduledToUid`: the looked-up uid is CANCELLED by a
     * reschedule). Absent: Cal.com named none; null: not recorded (v2 and older lookups kept no such field).
     */
    rescheduledToUid: z.string().nullable().optional(),
    purpose: z.enum(lookupPurposes),
    /** The webhook delivery the lookup was made for (host acceptance). */
    deliveryId: z.string().optional(),
  }),
});

/** No confirming webhook arrived within the reconciliation window: the booking is not confirmed. */
export const BookingMarkedUnconfirmed = z.object({
  type: z.literal('BookingMarkedUnconfirmed'),
  data: z.object({ ...bookingFacts, previousStatus: z.string(), waitedMs: z.number() }),
});

import { z } from 'zod';
import { bookingFacts } from './common';

/** The reconciler asked Cal.com about a booking still waiting for its webhook. */
export const CalcomBookingLookedUp = z.object({
  type: z.literal('CalcomBookingLookedUp'),
  data: z.object({
    ...bookingFacts,
    uid: z.string().optional(),
    outcome: z.enum(['found', 'not_found', 'not_looked_up', 'unreachable']),
    calcomStatus: z.string().optional(),
    metadataCallId: z.string().optional(),
  }),
});

/** No confirming webhook arrived within the reconciliation window: the booking is not confirmed. */
export const BookingMarkedUnconfirmed = z.object({
  type: z.literal('BookingMarkedUnconfirmed'),
  data: z.object({ ...bookingFacts, previousStatus: z.string(), waitedMs: z.number() }),
});

import { z } from 'zod';
import { bookingFacts, duplicateReasons } from './common';

/** Cal.com's answer was verified as this booking's own; now we wait for the webhook to prove it. */
export const CalcomBookingAccepted = z.object({
  type: z.literal('CalcomBookingAccepted'),
  data: z.object({
    ...bookingFacts,
    uid: z.string(),
    calcomBookingId: z.number(),
    /** Cal.com's status: `accepted`, or `pending` when the host must confirm. */
    status: z.string(),
  }),
});

/** Cal.com's answer belongs to another booking: this booking was not made. */
export const DuplicateDetected = z.object({
  type: z.literal('DuplicateDetected'),
  data: z.object({
    ...bookingFacts,
    reasons: z.array(z.enum(duplicateReasons)).min(1),
    conflicting: z.object({
      uid: z.string(),
      calcomBookingId: z.number().optional(),
      createdAt: z.string().optional(),
      metadataCallId: z.string().optional(),
      metadataBookingRef: z.string().optional(),
      ownerBookingId: z.string().optional(),
    }),
  }),
});

/** The first booking to claim a Cal.com uid owns it (stream `calcom-uid-<uid>`). */
export const CalcomUidClaimed = z.object({
  type: z.literal('CalcomUidClaimed'),
  data: z.object({ ...bookingFacts, uid: z.string() }),
});

/**
 * The booking let go of a uid it claimed: Cal.com replaced it (the booking moved to `movedTo`). The claim
 * stays the booking's (no other booking can ever take the uid), but nothing acts on the booking through it.
 */
export const CalcomUidReleased = z.object({
  type: z.literal('CalcomUidReleased'),
  data: z.object({ ...bookingFacts, uid: z.string(), movedTo: z.string() }),
});

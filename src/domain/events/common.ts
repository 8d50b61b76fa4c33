import { z } from 'zod';

export const isoInstant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date-time');

/** Every booking event names its booking and call, and when it happened in the outside world. */
export const bookingFacts = {
  bookingId: z.string().min(1),
  callId: z.string().min(1),
  occurredAt: isoInstant,
};

export const attendeeSchema = z.object({
  name: z.string(),
  email: z.string().optional(),
  phoneNumber: z.string().optional(),
});
export type Attendee = z.infer<typeof attendeeSchema>;

export const duplicateReasons = [
  'stale_created_at',
  'metadata_call_id_mismatch',
  'metadata_booking_ref_mismatch',
  'attendee_mismatch',
  'slot_mismatch',
  'uid_already_claimed',
] as const;
export type DuplicateReason = (typeof duplicateReasons)[number];

export const webhookMismatchReasons = [
  'call_id_missing',
  'call_id_mismatch',
  'uid_mismatch',
  /** The delivery's uid is claimed by another booking: it can never prove or change this one. */
  'uid_owned_by_other_booking',
  /** A metadata-less BOOKING_CREATED (host accepted) that Cal.com's stored booking did not back up. */
  'host_acceptance_unverified',
] as const;
export type WebhookMismatchReason = (typeof webhookMismatchReasons)[number];

export const calcomFailureReasons = ['timeout', 'network', 'server_error', 'rate_limited', 'circuit_open', 'rejected'] as const;

import { z } from 'zod';
import { isoInstant } from './common';

/** The truth audit found that what a caller was told and what Cal.com holds disagree (recorded once per finding). */
export const TruthAuditFindingRecorded = z.object({
  type: z.literal('TruthAuditFindingRecorded'),
  data: z.object({
    occurredAt: isoInstant,
    kind: z.enum(['told_confirmed_not_confirmed', 'agent_claimed_booking_without_call', 'confirmed_but_told_failed', 'told_pending_never_settled']),
    callId: z.string(),
    bookingId: z.string().optional(),
    /** When the caller was told (or the transcript was recorded). */
    toldAt: z.string(),
    detail: z.string(),
  }),
});
export const truthAuditStreamId = (key: string): string => `truth-audit-${key}`;

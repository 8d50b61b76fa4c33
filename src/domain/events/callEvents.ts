import { z } from 'zod';
import { isoInstant } from './common';

/** Facts about one Retell call, in stream `retell-call-<callId>`. */
const ofCall = { callId: z.string().min(1), occurredAt: isoInstant };

/**
 * What the caller was told: one function call delivery and the exact answer the agent got. `delivery`
 * counts deliveries of the same function call (same function and arguments): Retell retries, 1 to 6.
 */
export const CallerAnswered = z.object({
  type: z.literal('CallerAnswered'),
  data: z.object({
    ...ofCall,
    function: z.string(),
    /** The same function with the same arguments in this call: 1 for the first delivery. */
    delivery: z.number().int().min(1),
    /** sha256 of the function and its arguments (canonical JSON), shortened: which deliveries are one call. */
    requestFingerprint: z.string(),
    requestId: z.string(),
    status: z.string(),
    message: z.string(),
    bookingId: z.string().optional(),
    /** The booking's state when the answer was given. */
    bookingStatus: z.string().optional(),
    latencyMs: z.number(),
  }),
});

/** A Retell call webhook (call_started, call_ended, call_analyzed), recorded once per event and call. */
export const RetellCallEventRecorded = z.object({
  type: z.literal('RetellCallEventRecorded'),
  data: z.object({
    ...ofCall,
    event: z.enum(['call_started', 'call_ended', 'call_analyzed']),
    agentId: z.string().optional(),
    /** The caller's number, masked (the full call object is kept in `call`). */
    fromNumberMasked: z.string().optional(),
    disconnectionReason: z.string().optional(),
    /** Retell's call object as received (transcripts included: admin views only). */
    call: z.unknown(),
  }),
});

export const callEventSchema = z.discriminatedUnion('type', [CallerAnswered, RetellCallEventRecorded]);
export type CallEvent = z.infer<typeof callEventSchema>;
export const callStreamId = (callId: string): string => `retell-call-${callId}`;

import { z } from 'zod';
import { isoInstant } from './common';

/** Facts about Cal.com webhook deliveries, in stream `calcom-webhook-<deliveryId>` (id = hash of the raw body). */
const delivery = { deliveryId: z.string(), occurredAt: isoInstant };

/**
 * An authentic delivery, durably recorded before we answered 2xx. `body` is Cal.com's JSON as received.
 * `from` (v2): the practice it came from, by the secret that verified it or the URL it came to (`{}`: the
 * environment's one secret); null on v1 events, which did not record it.
 */
export const CalcomWebhookReceived = z.object({
  type: z.literal('CalcomWebhookReceived'),
  data: z.object({
    ...delivery,
    triggerEvent: z.string(),
    uid: z.string().optional(),
    callId: z.string().optional(),
    body: z.unknown(),
    from: z.object({ practiceId: z.string().optional() }).nullable(),
  }),
});

/** An authentic delivery we could not read; kept verbatim for analysts. */
export const CalcomWebhookRejected = z.object({
  type: z.literal('CalcomWebhookRejected'),
  data: z.object({ ...delivery, reason: z.string(), rawBody: z.string(), truncated: z.boolean() }),
});

/**
 * An authentic delivery that is not a booking event: Cal.com's Ping test, MEETING_* triggers, a custom
 * payload template (JSON of another shape, or text). Kept for analysts; nothing acts on it.
 */
export const CalcomWebhookIgnored = z.object({
  type: z.literal('CalcomWebhookIgnored'),
  data: z.object({
    ...delivery,
    reason: z.string(),
    triggerEvent: z.string().optional(),
    body: z.unknown().optional(),
    rawBody: z.string().optional(),
    truncated: z.boolean().optional(),
  }),
});

/** The delivery reached a booking (its meaning is recorded in the booking's stream). */
export const CalcomWebhookRouted = z.object({
  type: z.literal('CalcomWebhookRouted'),
  data: z.object({ ...delivery, bookingId: z.string(), via: z.enum(['booking_ref', 'uid_claim', 'call_id']) }),
});

/** The delivery concerns no booking we requested (or a trigger we do not act on). */
export const CalcomWebhookOrphaned = z.object({
  type: z.literal('CalcomWebhookOrphaned'),
  data: z.object({ ...delivery, triggerEvent: z.string(), uid: z.string().optional(), callId: z.string().optional(), reason: z.string() }),
});

/**
 * A recorded delivery that could not be settled (routed or orphaned), given up on after `attempts` tries
 * by the delivery resumer: nothing will apply it; the booking it may concern is left to the reconciler.
 */
export const CalcomWebhookAbandoned = z.object({
  type: z.literal('CalcomWebhookAbandoned'),
  data: z.object({ ...delivery, uid: z.string().optional(), callId: z.string().optional(), attempts: z.number().int().nonnegative(), reason: z.string() }),
});

export const deliveryEventSchema = z.discriminatedUnion('type', [
  CalcomWebhookReceived,
  CalcomWebhookRejected,
  CalcomWebhookIgnored,
  CalcomWebhookRouted,
  CalcomWebhookOrphaned,
  CalcomWebhookAbandoned,
]);
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;
const WEBHOOK_STREAM = 'calcom-webhook-';
export const webhookStreamId = (deliveryId: string): string => `${WEBHOOK_STREAM}${deliveryId}`;
/** The delivery a `calcom-webhook-<deliveryId>` stream is of; undefined for any other stream. */
export const deliveryIdOfStream = (streamId: string): string | undefined => (streamId.startsWith(WEBHOOK_STREAM) ? streamId.slice(WEBHOOK_STREAM.length) : undefined);

import { z } from 'zod';
import { isoInstant } from './common';

/** Facts about Cal.com webhook deliveries, in stream `calcom-webhook-<deliveryId>` (id = hash of the raw body). */
const delivery = { deliveryId: z.string(), occurredAt: isoInstant };

/** An authentic delivery, durably recorded before we answered 2xx. `body` is Cal.com's JSON as received. */
export const CalcomWebhookReceived = z.object({
  type: z.literal('CalcomWebhookReceived'),
  data: z.object({ ...delivery, triggerEvent: z.string(), uid: z.string().optional(), callId: z.string().optional(), body: z.unknown() }),
});

/** An authentic delivery we could not read; kept verbatim for analysts. */
export const CalcomWebhookRejected = z.object({
  type: z.literal('CalcomWebhookRejected'),
  data: z.object({ ...delivery, reason: z.string(), rawBody: z.string(), truncated: z.boolean() }),
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

export const deliveryEventSchema = z.discriminatedUnion('type', [CalcomWebhookReceived, CalcomWebhookRejected, CalcomWebhookRouted, CalcomWebhookOrphaned]);
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;
export const webhookStreamId = (deliveryId: string): string => `calcom-webhook-${deliveryId}`;

import { z } from 'zod';
import type { WebhookDelivery, WebhookTrigger } from '../domain';
import { parseBoundedJson } from './boundedJson';
import { isStorableJson } from './storableText';

/** The parts of a Cal.com webhook (v2021-10-20 envelope) this service reads; everything else is kept as received. */
const stringRecord = z.record(z.string(), z.unknown()).transform((record) =>
  Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
);

export const calcomWebhookSchema = z.object({
  triggerEvent: z.string().min(1, 'triggerEvent is empty'),
  createdAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'createdAt is not an ISO date-time'),
  payload: z
    .object({
      uid: z.string().min(1).optional(),
      bookingId: z.number().optional(),
      startTime: z
        .string()
        .refine((v) => !Number.isNaN(Date.parse(v)) && !Number.isNaN(new Date(v).getTime()) && /^\d{4}-\d{2}-\d{2}T/.test(v), 'startTime is not an ISO date-time')
        .optional(),
      rescheduleUid: z.string().optional(),
      metadata: stringRecord.nullish(),
      cancellationReason: z.string().nullish(),
      rejectionReason: z.string().nullish(),
    })
    .loose(),
});
export type CalcomWebhook = z.infer<typeof calcomWebhookSchema>;

export const bookingTriggers: readonly WebhookTrigger[] = ['BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_CANCELLED', 'BOOKING_REJECTED', 'BOOKING_RESCHEDULED'];
export const isBookingTrigger = (trigger: string): trigger is WebhookTrigger => (bookingTriggers as readonly string[]).includes(trigger);

/** Reads a body; `problem` explains in one line why it cannot be used. */
export const readCalcomWebhook = (raw: string): { webhook: CalcomWebhook; body: unknown } | { problem: string } => {
  const parsed_ = parseBoundedJson(raw);
  if ('problem' in parsed_) return parsed_;
  const json = parsed_.value;
  if (!isStorableJson(json)) return { problem: 'body holds characters that cannot be stored (NUL or an unpaired surrogate)' };
  const parsed = calcomWebhookSchema.safeParse(json);
  if (!parsed.success) return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  if (isBookingTrigger(parsed.data.triggerEvent) && !parsed.data.payload.uid) return { problem: `payload.uid is required for ${parsed.data.triggerEvent}` };
  return { webhook: parsed.data, body: json };
};

export const toWebhookDelivery = (deliveryId: string, webhook: CalcomWebhook & { triggerEvent: WebhookTrigger }): WebhookDelivery => ({
  deliveryId,
  triggerEvent: webhook.triggerEvent,
  uid: webhook.payload.uid!,
  rescheduleUid: webhook.payload.rescheduleUid,
  calcomBookingId: webhook.payload.bookingId,
  startTime: webhook.payload.startTime && new Date(webhook.payload.startTime).toISOString(),
  metadata: webhook.payload.metadata ?? {},
  reason: webhook.payload.cancellationReason ?? webhook.payload.rejectionReason ?? undefined,
  createdAt: new Date(webhook.createdAt).toISOString(),
});

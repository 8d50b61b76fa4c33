import { z } from 'zod';
import type { WebhookDelivery, WebhookTrigger } from '../domain';
import { parseBoundedJson } from './boundedJson';
import { isStorableJson } from './storableText';

/** The parts of a Cal.com webhook (v2021-10-20 envelope) this service reads; everything else is kept as received. */
const stringRecord = z.record(z.string(), z.unknown()).transform((record) =>
  Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
);

/** A full ISO 8601 date-time with a zone (what Cal.com sends); `Date.parse` alone takes "1" for a year. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const isoDateTime = (what: string) => z.string().refine((v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)), `${what} is not an ISO date-time`);

export const calcomWebhookSchema = z.object({
  triggerEvent: z.string().min(1, 'triggerEvent is empty'),
  createdAt: isoDateTime('createdAt'),
  payload: z
    .object({
      uid: z.string().min(1).optional(),
      bookingId: z.number().optional(),
      startTime: isoDateTime('startTime').optional(),
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

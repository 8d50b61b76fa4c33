import { z } from 'zod';
import type { WebhookDelivery, WebhookTrigger } from '../domain';
import { parseBoundedJson } from './boundedJson';
import { isStorableJson } from './storableText';

/** The parts of a Cal.com webhook (v2021-10-20 envelope) this service reads; everything else is kept as received. */
/** Cal.com metadata values are strings, numbers or booleans (validate-metadata.ts): read as text; anything else is dropped. */
const stringRecord = z.record(z.string(), z.unknown()).transform((record) =>
  Object.fromEntries(
    Object.entries(record).flatMap(([key, value]) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [[key, String(value)]] : [])),
  ),
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
      requestReschedule: z.boolean().nullish(),
      rescheduleRequested: z.boolean().nullish(),
      rejectionReason: z.string().nullish(),
    })
    .loose(),
});
export type CalcomWebhook = z.infer<typeof calcomWebhookSchema>;

export const bookingTriggers: readonly WebhookTrigger[] = ['BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_CANCELLED', 'BOOKING_REJECTED', 'BOOKING_RESCHEDULED'];
export const isBookingTrigger = (trigger: string): trigger is WebhookTrigger => (bookingTriggers as readonly string[]).includes(trigger);

export type ReadWebhook =
  /** A booking trigger we act on. */
  | { kind: 'booking'; webhook: CalcomWebhook & { triggerEvent: WebhookTrigger }; body: unknown }
  /** Authentic, readable or not, but nothing we act on: recorded, answered 2xx. */
  | { kind: 'ignored'; reason: string; triggerEvent?: string; body?: unknown }
  /** A booking trigger we cannot read, or a body that cannot be parsed safely: recorded verbatim, answered 400. */
  | { kind: 'invalid'; problem: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a delivery as Cal.com may send it: the v2021-10-20 envelope `{triggerEvent, createdAt, payload}`
 * for booking triggers; a Ping test (`PING`), a flat MEETING_* body, or a custom payload template
 * (any JSON, or text sent form-encoded) for everything else, which we record and ignore.
 */
export const readCalcomWebhook = (raw: string, contentType = 'application/json'): ReadWebhook => {
  const json = parseBoundedJson(raw);
  if ('problem' in json) {
    // Cal.com sends a template that is not JSON as application/x-www-form-urlencoded (sendPayload.ts);
    // a body that says it is JSON and is not is broken, not a template.
    if (json.problem === 'body is not JSON' && !/json/i.test(contentType)) return { kind: 'ignored', reason: `body is not JSON (${contentType.split(';')[0]}: a custom payload template)` };
    return { kind: 'invalid', problem: json.problem };
  }
  return readCalcomBody(json.value);
};

/** A delivery's parsed JSON as readCalcomWebhook reads it (also a body recorded before, read again). */
export const readCalcomBody = (body: unknown): ReadWebhook => {
  if (!isStorableJson(body)) return { kind: 'invalid', problem: 'body holds characters that cannot be stored (NUL or an unpaired surrogate)' };
  const trigger = isObject(body) && typeof body.triggerEvent === 'string' ? body.triggerEvent : undefined;
  if (trigger === undefined) return { kind: 'ignored', reason: 'no triggerEvent (a custom payload template?)', body };
  if (!isBookingTrigger(trigger)) return { kind: 'ignored', reason: `trigger ${trigger} is not acted on`, triggerEvent: trigger, body };
  const parsed = calcomWebhookSchema.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  if (!parsed.data.payload.uid) return { kind: 'invalid', problem: `payload.uid is required for ${trigger}` };
  return { kind: 'booking', webhook: { ...parsed.data, triggerEvent: trigger }, body };
};

export const toWebhookDelivery = (deliveryId: string, webhook: CalcomWebhook & { triggerEvent: WebhookTrigger }): WebhookDelivery => ({
  deliveryId,
  triggerEvent: webhook.triggerEvent,
  uid: webhook.payload.uid!,
  rescheduleUid: webhook.payload.rescheduleUid,
  rescheduleRequested: webhook.payload.requestReschedule === true || webhook.payload.rescheduleRequested === true ? true : undefined,
  calcomBookingId: webhook.payload.bookingId,
  startTime: webhook.payload.startTime && new Date(webhook.payload.startTime).toISOString(),
  metadata: webhook.payload.metadata ?? {},
  reason: webhook.payload.cancellationReason ?? webhook.payload.rejectionReason ?? undefined,
  createdAt: new Date(webhook.createdAt).toISOString(),
});

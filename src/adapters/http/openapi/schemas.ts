import { z } from 'zod';
import type { WebhookOutcome } from '../../../application/useCases/receiveCalcomWebhook';
import type { Appointment } from '../../../projections';
import type { StoredEvent } from '../../../application/ports/eventStore';
import type { ReadinessCheck } from '../httpContext';
import type { RetellFunctionDefinition } from '../retell/functionSpecs';

/**
 * Zod schemas of the responses whose handlers build plain objects (no zod schema in the handler).
 * Each is tied to the handler's TypeScript type below, so a change on either side that the other
 * does not follow fails to compile instead of leaving the OpenAPI document wrong.
 */

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameType = <T extends true>(): T | undefined => undefined;

/** `sendError` in errors.ts: every non-200 answer. */
export const errorBodySchema = z
  .object({
    error: z.string().describe('Machine-readable code, e.g. invalid_signature, malformed_request, unknown_function, body_too_large, temporarily_unavailable'),
    message: z.string().describe('What went wrong, in English'),
    retryable: z.boolean().optional().describe('503: true when repeating the same request is safe and may succeed'),
    delivery_id: z.string().optional().describe('POST /webhooks/calcom 400: the id under which the unreadable delivery was kept'),
  })
  .meta({ description: 'Protocol error (never a business outcome)' });

/** POST /webhooks/calcom 200 (calcomWebhooks.ts). */
export const webhookReceiptSchema = z.object({
  status: z.enum(['recorded', 'duplicate']).describe('duplicate: this exact body was delivered before; nothing changed (unless its first arrival was cut off before it was settled: then it is settled now)'),
  delivery_id: z.string().describe('First 40 hex digits of the SHA-256 of the body (stream calcom-webhook-<id>)'),
  booking_id: z.string().optional().describe('The booking it was routed to'),
  applied: z.array(z.string()).optional().describe('Events the delivery appended to the booking'),
  orphan: z.string().optional().describe('ignored_trigger, no_booking or other_practice: recorded, but matches no booking of ours (or one of another practice than the one that signed it)'),
  ignored: z.string().optional().describe('Why a delivery that is no booking event was ignored (Ping test, MEETING_*, a custom payload template), or that a duplicate was abandoned before and is not applied'),
});
sameType<Equals<z.infer<typeof webhookReceiptSchema>['status'], Exclude<WebhookOutcome['result'], 'invalid'>>>();

/** GET /appointments rows (`findAppointments`). */
export const appointmentSchema = z.object({
  bookingId: z.string(),
  callId: z.string().nullable(),
  practiceId: z.string().nullable().describe('The practice the booking is for'),
  status: z.string().describe('requested, awaiting_webhook, awaiting_host, confirmed, duplicate, slot_unavailable, failed, unconfirmed, cancelled, rejected'),
  calcomUid: z.string().nullable().describe("The Cal.com uid verified as this booking's own"),
  calcomBookingId: z.number().nullable(),
  eventTypeId: z.number().nullable(),
  slotStart: z.string().nullable(),
  service: z.string().nullable(),
  requestedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  duplicateOfUid: z.string().nullable(),
  duplicateOwnerBookingId: z.string().nullable(),
  duplicateReasons: z.array(z.string()),
  failureReason: z.string().nullable(),
  hostAcceptancePending: z.boolean().describe("A host's metadata-less acceptance (BOOKING_CREATED) waits for a Cal.com lookup to back it up"),
  calcom: z
    .object({
      lookup: z.string().describe('found, not_found, unreachable or not_looked_up'),
      status: z.string().nullable().describe("Cal.com's status of the booking at the lookup (accepted, pending, cancelled…)"),
      metadataCallIdMatches: z.boolean().nullable().describe("Whether Cal.com's stored metadata carries this booking's call_id"),
      lookedUpAt: z.string().nullable(),
    })
    .nullable()
    .describe('What Cal.com held at the last lookup: an unconfirmed booking Cal.com has (webhook lost) versus one it has not'),
  updatedAt: z.string(),
  lastEventPosition: z.string(),
  lastEventType: z.string(),
});
sameType<Equals<z.infer<typeof appointmentSchema>, Appointment>>();

export const appointmentListSchema = z.object({ appointments: z.array(appointmentSchema) });

/** GET /bookings/:bookingId/events items: a stored event with `recordedAt` as ISO text. */
export const storedEventSchema = z.object({
  id: z.string(),
  streamId: z.string(),
  streamVersion: z.number().int().describe('1-based position in the stream'),
  position: z.string().describe('Opaque global position; compares correctly as text'),
  type: z.string().describe('e.g. BookingRequested, CalcomResponded, DuplicateDetected, BookingConfirmedByWebhook'),
  schemaVersion: z.number().int(),
  data: z.unknown().describe("The event's data as recorded, at its schemaVersion"),
  metadata: z
    .object({
      occurredAt: z.string().describe("The outside world's time"),
      callId: z.string().optional(),
      correlationId: z.string().optional(),
      causationId: z.string().optional(),
    })
    .loose(),
  recordedAt: z.string().describe('When the store recorded it'),
});
sameType<Equals<keyof z.infer<typeof storedEventSchema>, keyof StoredEvent>>();

export const bookingHistorySchema = z.object({ booking_id: z.string(), events: z.array(storedEventSchema) });

export const healthSchema = z.object({ status: z.literal('ok') });

/** GET /readyz (health.ts), 200 and 503 alike. */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.array(
    z.object({
      name: z.string().describe('event_store, read_model, projection:<name>'),
      ok: z.boolean(),
      detail: z.string().optional().describe('Why the check failed (only our own words; never an internal error text), or how many events are parked'),
      parked: z.number().int().optional().describe('projection checks: events the projection could not apply and parked'),
    }),
  ),
});
sameType<Equals<Omit<z.infer<typeof readinessSchema>['checks'][number], 'name'>, Awaited<ReturnType<ReadinessCheck['check']>>>>();

/** GET /retell/functions query. */
export const retellFunctionsQuery = z.object({
  language: z.enum(['de', 'en']).optional().describe('Argument names and descriptions: de (default) or en'),
  args_only: z.enum(['true', 'false']).optional().describe('true: for Retell\'s "Payload: args only" mode, with a required call_id argument'),
  practice: z.string().max(64).optional().describe("A practice's id (PRACTICES_FILE): its /p/<id>/ URLs and its services as an enum"),
});

/** GET /retell/functions answer and `booking-ledger retell-functions` output. */
export const retellFunctionListSchema = z.object({
  functions: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      url_path: z.string().describe('POST here, relative to the service'),
      url: z.string().optional().describe('Absolute URL to paste into Retell: PUBLIC_BASE_URL, else the URL this request came in on (GET /retell/functions); the CLI adds it with --base-url'),
      parameters: z.record(z.string(), z.unknown()).describe('JSON Schema of the arguments, to paste into the Retell agent'),
    }),
  ),
});
sameType<Equals<keyof z.infer<typeof retellFunctionListSchema>['functions'][number], keyof RetellFunctionDefinition>>();

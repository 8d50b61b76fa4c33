import { createHash } from 'node:crypto';
import { webhookStreamId, type DeliveryEvent, type WebhookDelivery } from '../../domain';
import { readCalcomWebhook, toWebhookDelivery, type ReadWebhook } from '../calcomWebhook';
import { toNewEvent, type Causation } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import { toStorableText } from '../storableText';
import type { UseCaseDeps } from './deps';
import { loadBooking } from '../bookingRepository';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { applyDelivery } from './applyDelivery';
import { routeDelivery } from './routeDelivery';

const RAW_BODY_KEPT = 64 * 1024;

export type WebhookOutcome =
  | { result: 'invalid'; deliveryId: string; reason: string }
  | { result: 'recorded' | 'duplicate'; deliveryId: string; bookingId?: string; applied: string[]; orphan?: string; ignored?: string };

const kept = (raw: string) => ({ rawBody: toStorableText(raw.slice(0, RAW_BODY_KEPT)), truncated: raw.length > RAW_BODY_KEPT });

/** The first fact of a delivery's stream: what arrived, as we could read it. */
const firstFact = (deliveryId: string, now: string, raw: string, read: ReadWebhook): DeliveryEvent => {
  const base = { deliveryId, occurredAt: now };
  switch (read.kind) {
    case 'invalid':
      return { type: 'CalcomWebhookRejected', data: { ...base, reason: read.problem, ...kept(raw) } };
    case 'ignored':
      return {
        type: 'CalcomWebhookIgnored',
        data: { ...base, reason: read.reason, ...(read.triggerEvent && { triggerEvent: read.triggerEvent }), ...(read.body !== undefined ? { body: read.body } : kept(raw)) },
      };
    case 'booking': {
      const { webhook } = read;
      return { type: 'CalcomWebhookReceived', data: { ...base, triggerEvent: webhook.triggerEvent, uid: webhook.payload.uid, callId: webhook.payload.metadata?.call_id, body: read.body } };
    }
  }
};

/**
 * An authentic Cal.com delivery: record it durably first (stream per body hash, so a redelivery is
 * recognised), then route it to its booking and let the decider say what it means. Re-routing a
 * redelivery is harmless (the booking remembers applied deliveries) and finishes one a crash interrupted.
 */
export const receiveCalcomWebhook = async (deps: UseCaseDeps, rawBody: Buffer, contentType?: string, from: { practiceId?: string } = {}): Promise<WebhookOutcome> => {
  const deliveryId = createHash('sha256').update(rawBody).digest('hex').slice(0, 40);
  const now = deps.now().toISOString();
  const causation: Causation = { correlationId: deliveryId, causationId: deliveryId };
  const raw = rawBody.toString('utf8');
  const read = readCalcomWebhook(raw, contentType);

  let duplicate = false;
  try {
    await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(firstFact(deliveryId, now, raw, read), causation)], { expectedVersion: 'no_stream' });
  } catch (error) {
    if (!isConcurrencyError(error)) throw error;
    duplicate = true;
  }
  const result = duplicate ? 'duplicate' : 'recorded';
  if (read.kind === 'invalid') {
    deps.telemetry.webhookDelivery('invalid');
    return { result: 'invalid', deliveryId, reason: read.problem };
  }
  if (read.kind === 'ignored') {
    deps.telemetry.webhookDelivery('ignored');
    deps.telemetry.log('info', 'Cal.com delivery recorded and ignored', { deliveryId, triggerEvent: read.triggerEvent, reason: read.reason });
    return { result, deliveryId, applied: [], orphan: 'ignored_trigger', ignored: read.reason };
  }

  const delivery = toWebhookDelivery(deliveryId, read.webhook);
  const route = await routeDelivery(deps, delivery);
  if (!route) {
    if (!duplicate) await recordOrphan(deps, deliveryId, delivery, 'no booking of ours matches its booking_ref, uid or call_id', causation);
    deps.telemetry.webhookDelivery('orphan');
    return { result, deliveryId, applied: [], orphan: 'no_booking' };
  }
  // A delivery signed by one practice's Cal.com never touches another practice's booking.
  const loaded = route.loaded ?? (await loadBooking(deps.store, route.bookingId));
  const target = loaded.state;
  const bookingPractice = target.practiceId ?? DEFAULT_PRACTICE_ID;
  if (from.practiceId !== undefined && bookingPractice !== from.practiceId) {
    if (!duplicate) await recordOrphan(deps, deliveryId, delivery, `the booking it names belongs to practice ${bookingPractice}, the delivery was signed by practice ${from.practiceId}`, causation);
    deps.telemetry.webhookDelivery('orphan');
    return { result, deliveryId, applied: [], orphan: 'other_practice' };
  }
  const practiceDeps = deps.forPractice?.(bookingPractice) ?? deps;
  // A first delivery's routing is written with what it decides (one transaction where the store can), or alone.
  const routed: DeliveryEvent = { type: 'CalcomWebhookRouted', data: { deliveryId, occurredAt: now, bookingId: route.bookingId, via: route.via } };
  const routedAppend = { streamId: webhookStreamId(deliveryId), events: [toNewEvent(routed, causation, target.callId)] };
  const { appended } = await applyDelivery(practiceDeps, route.bookingId, delivery, now, causation, loaded, duplicate ? undefined : { after: [routedAppend] });
  if (!duplicate && appended.length === 0) await deps.store.appendToStream(routedAppend.streamId, routedAppend.events);
  deps.telemetry.webhookDelivery(duplicate ? 'duplicate' : appended.some((e) => e.type === 'WebhookMismatchRecorded') ? 'mismatch' : 'applied');
  return { result, deliveryId, bookingId: route.bookingId, applied: appended.map((e) => e.type) };
};

const recordOrphan = async (deps: UseCaseDeps, deliveryId: string, delivery: WebhookDelivery, reason: string, causation: Causation) => {
  const callId = delivery.metadata.call_id;
  const orphan: DeliveryEvent = {
    type: 'CalcomWebhookOrphaned',
    data: { deliveryId, occurredAt: deps.now().toISOString(), triggerEvent: delivery.triggerEvent, uid: delivery.uid, callId, reason },
  };
  deps.telemetry.log('warn', 'Cal.com webhook matches no booking of ours', { deliveryId, triggerEvent: delivery.triggerEvent, uid: delivery.uid, callId });
  await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(orphan, causation)]);
};

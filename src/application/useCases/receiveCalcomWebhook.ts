import { createHash } from 'node:crypto';
import { webhookStreamId, type DeliveryEvent, type WebhookDelivery } from '../../domain';
import { isBookingTrigger, readCalcomWebhook, toWebhookDelivery } from '../calcomWebhook';
import { toNewEvent, type Causation } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import { toStorableText } from '../storableText';
import type { UseCaseDeps } from './deps';
import { applyDelivery } from './applyDelivery';
import { routeDelivery } from './routeDelivery';

const RAW_BODY_KEPT = 64 * 1024;

export type WebhookOutcome =
  | { result: 'invalid'; deliveryId: string; reason: string }
  | { result: 'recorded' | 'duplicate'; deliveryId: string; bookingId?: string; applied: string[]; orphan?: string };

/**
 * An authentic Cal.com delivery: record it durably first (stream per body hash, so a redelivery is
 * recognised), then route it to its booking and let the decider say what it means. Re-routing a
 * redelivery is harmless (the booking remembers applied deliveries) and finishes one a crash interrupted.
 */
export const receiveCalcomWebhook = async (deps: UseCaseDeps, rawBody: Buffer): Promise<WebhookOutcome> => {
  const deliveryId = createHash('sha256').update(rawBody).digest('hex').slice(0, 40);
  const now = deps.now().toISOString();
  const causation: Causation = { correlationId: deliveryId, causationId: deliveryId };
  const raw = rawBody.toString('utf8');
  const read = readCalcomWebhook(raw);

  const first: DeliveryEvent =
    'problem' in read
      ? { type: 'CalcomWebhookRejected', data: { deliveryId, occurredAt: now, reason: read.problem, rawBody: toStorableText(raw.slice(0, RAW_BODY_KEPT)), truncated: raw.length > RAW_BODY_KEPT } }
      : {
          type: 'CalcomWebhookReceived',
          data: { deliveryId, occurredAt: now, triggerEvent: read.webhook.triggerEvent, uid: read.webhook.payload.uid, callId: read.webhook.payload.metadata?.call_id, body: read.body },
        };
  let duplicate = false;
  try {
    await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(first, causation)], {
      expectedVersion: 'no_stream',
    });
  } catch (error) {
    if (!isConcurrencyError(error)) throw error;
    duplicate = true;
  }
  if ('problem' in read) {
    deps.telemetry.webhookDelivery('invalid');
    return { result: 'invalid', deliveryId, reason: read.problem };
  }

  const { webhook } = read;
  const result = duplicate ? 'duplicate' : 'recorded';
  if (!isBookingTrigger(webhook.triggerEvent)) {
    if (!duplicate) await recordOrphan(deps, deliveryId, webhook.triggerEvent, undefined, `trigger ${webhook.triggerEvent} is not acted on`, causation);
    deps.telemetry.webhookDelivery('ignored');
    return { result, deliveryId, applied: [], orphan: 'ignored_trigger' };
  }
  const delivery = toWebhookDelivery(deliveryId, { ...webhook, triggerEvent: webhook.triggerEvent });
  const route = await routeDelivery(deps, delivery);
  if (!route) {
    if (!duplicate) await recordOrphan(deps, deliveryId, delivery.triggerEvent, delivery, 'no booking of ours matches its booking_ref, uid or call_id', causation);
    deps.telemetry.webhookDelivery('orphan');
    return { result, deliveryId, applied: [], orphan: 'no_booking' };
  }
  const { appended, state } = await applyDelivery(deps, route.bookingId, delivery, now, causation);
  if (!duplicate) {
    const routed: DeliveryEvent = { type: 'CalcomWebhookRouted', data: { deliveryId, occurredAt: now, bookingId: route.bookingId, via: route.via } };
    await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(routed, causation, state.callId)]);
  }
  deps.telemetry.webhookDelivery(duplicate ? 'duplicate' : appended.some((e) => e.type === 'WebhookMismatchRecorded') ? 'mismatch' : 'applied');
  return { result, deliveryId, bookingId: route.bookingId, applied: appended.map((e) => e.type) };
};

const recordOrphan = async (deps: UseCaseDeps, deliveryId: string, triggerEvent: string, delivery: WebhookDelivery | undefined, reason: string, causation: Causation) => {
  const callId = delivery?.metadata.call_id;
  const orphan: DeliveryEvent = { type: 'CalcomWebhookOrphaned', data: { deliveryId, occurredAt: deps.now().toISOString(), triggerEvent, uid: delivery?.uid, callId, reason } };
  deps.telemetry.log('warn', 'Cal.com webhook matches no booking of ours', { deliveryId, triggerEvent, uid: delivery?.uid, callId });
  await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(orphan, causation)]);
};

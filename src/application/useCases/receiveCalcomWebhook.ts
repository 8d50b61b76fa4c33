import { createHash } from 'node:crypto';
import { webhookStreamId, type DeliveryEvent } from '../../domain';
import { readCalcomWebhook, toWebhookDelivery, type ReadWebhook } from '../calcomWebhook';
import { toNewEvent, type Causation } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import { toStorableText } from '../storableText';
import type { UseCaseDeps } from './deps';
import { settleDelivery } from './settleDelivery';
import { settledBefore } from './settledDelivery';

const RAW_BODY_KEPT = 64 * 1024;

export type WebhookOutcome =
  | { result: 'invalid'; deliveryId: string; reason: string }
  | { result: 'recorded' | 'duplicate'; deliveryId: string; bookingId?: string; applied: string[]; orphan?: string; ignored?: string };

const kept = (raw: string) => ({ rawBody: toStorableText(raw.slice(0, RAW_BODY_KEPT)), truncated: raw.length > RAW_BODY_KEPT });

/** The first fact of a delivery's stream: what arrived, as we could read it. */
const firstFact = (deliveryId: string, now: string, raw: string, read: ReadWebhook, from: { practiceId?: string }): DeliveryEvent => {
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
      const data = { ...base, triggerEvent: webhook.triggerEvent, uid: webhook.payload.uid, callId: webhook.payload.metadata?.call_id, body: read.body };
      return { type: 'CalcomWebhookReceived', data: { ...data, from: from.practiceId === undefined ? {} : { practiceId: from.practiceId } } };
    }
  }
};

/** A delivery's id: the first 40 hex digits of the SHA-256 of its raw body (the same bytes, the same delivery). */
export const deliveryIdOf = (rawBody: Buffer): string => createHash('sha256').update(rawBody).digest('hex').slice(0, 40);

/**
 * An authentic Cal.com delivery: record it durably first (stream per body hash, so a redelivery is
 * recognised), then route it to its booking and let the decider say what it means (settleDelivery).
 * Re-routing a redelivery is harmless (the booking remembers applied deliveries). One whose settling a
 * crash or an error interrupted (Cal.com does not deliver it again) is settled by the delivery resumer.
 */
export const receiveCalcomWebhook = async (deps: UseCaseDeps, rawBody: Buffer, contentType?: string, from: { practiceId?: string } = {}): Promise<WebhookOutcome> => {
  const deliveryId = deliveryIdOf(rawBody);
  const now = deps.now().toISOString();
  const causation: Causation = { correlationId: deliveryId, causationId: deliveryId };
  const raw = rawBody.toString('utf8');
  const read = readCalcomWebhook(raw, contentType);

  let duplicate = false;
  try {
    await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(firstFact(deliveryId, now, raw, read, from), causation)], { expectedVersion: 'no_stream' });
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

  if (!duplicate) deps.hooks?.afterDeliveryRecorded?.();
  const delivery = toWebhookDelivery(deliveryId, read.webhook);
  // A redelivery of a settled delivery is a no-op, answered from how it was settled; one whose first
  // arrival was cut off before it was settled (its stream holds the record alone) settles it.
  const before = duplicate ? await settledBefore(deps.store, deliveryId) : undefined;
  if (before) {
    deps.telemetry.webhookDelivery('duplicate');
    const ignored = before.abandoned ? 'it was abandoned before and is not applied again' : undefined;
    return { result, deliveryId, bookingId: before.bookingId, applied: [], orphan: before.orphan, ...(ignored && { ignored }) };
  }
  const settled = await settleDelivery(deps, delivery, from, { now, causation });
  if (settled.orphan) {
    deps.telemetry.webhookDelivery('orphan');
    return { result, deliveryId, applied: [], orphan: settled.orphan };
  }
  const { applied } = settled;
  const counted = duplicate ? 'duplicate' : settled.alreadySettled && applied.length === 0 ? 'already_settled' : applied.includes('WebhookMismatchRecorded') ? 'mismatch' : 'applied';
  deps.telemetry.webhookDelivery(counted);
  return { result, deliveryId, bookingId: settled.bookingId, applied };
};


import { createHash, randomUUID } from 'node:crypto';
import type { DeliveryEvent } from '../../domain';
import { readCalcomWebhook, toWebhookDelivery, type ReadWebhook } from '../calcomWebhook';
import { toNewEvent, type Causation } from '../eventEnvelope';
import { toStorableText } from '../storableText';
import type { UseCaseDeps } from './deps';
import { settleDelivery } from './settleDelivery';
import { recordDeliveryAlone } from './recordDeliveryAlone';
import type { Settled } from './settledDelivery';

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
 * Whether a booking delivery's record may wait for its settling, to be written in the same transaction
 * (one commit instead of two): only where the store writes several streams at once, and never while a
 * test crash point needs the record written alone.
 */
const recordsWithSettling = (deps: UseCaseDeps): boolean => deps.store.appendToStreams !== undefined && !deps.hooks?.afterDeliveryRecorded;

/**
 * An authentic Cal.com delivery, recorded durably before it is answered (a stream per body hash, so a
 * redelivery is recognised), routed to its booking and decided there (settleDelivery). Where the store
 * can, the record is written in the decision's transaction; anything but a clean first settling there
 * (another request recorded it first, an error) takes the two steps: the record alone, then the settling.
 * Re-routing a redelivery is harmless (the booking remembers applied deliveries). One whose settling a
 * crash or an error interrupted (Cal.com does not deliver it again) is settled by the delivery resumer.
 */
export const receiveCalcomWebhook = async (deps: UseCaseDeps, rawBody: Buffer, contentType?: string, from: { practiceId?: string } = {}): Promise<WebhookOutcome> => {
  const deliveryId = deliveryIdOf(rawBody);
  const now = deps.now().toISOString();
  const causation: Causation = { correlationId: deliveryId, causationId: deliveryId };
  const raw = rawBody.toString('utf8');
  const read = readCalcomWebhook(raw, contentType);
  // Its own id, so that a record this request wrote before its settling failed is known as its own.
  const record = { id: randomUUID(), ...toNewEvent(firstFact(deliveryId, now, raw, read, from), causation) };

  let settlingFailed: ReturnType<typeof loggedError> | undefined;
  if (read.kind === 'booking' && recordsWithSettling(deps)) {
    const delivery = toWebhookDelivery(deliveryId, read.webhook);
    const settled = await settleDelivery(deps, delivery, from, { now, causation, unrecorded: record }).catch((error: unknown) => {
      settlingFailed = loggedError(error);
      deps.telemetry.log('warn', 'Cal.com delivery not settled with its record; recording it alone', { deliveryId, err: settlingFailed });
      return undefined;
    });
    if (settled && !settled.alreadySettled) return answered(deps, { result: 'recorded', deliveryId }, settled);
  }

  const { result, wroteNow, before } = await recordDeliveryAlone(deps.store, deliveryId, record, read.kind === 'booking');
  if (read.kind === 'invalid') {
    deps.telemetry.webhookDelivery('invalid');
    return { result: 'invalid', deliveryId, reason: read.problem };
  }
  if (read.kind === 'ignored') {
    deps.telemetry.webhookDelivery('ignored');
    deps.telemetry.log('info', 'Cal.com delivery recorded and ignored', { deliveryId, triggerEvent: read.triggerEvent, reason: read.reason });
    return { result, deliveryId, applied: [], orphan: 'ignored_trigger', ignored: read.reason };
  }

  if (wroteNow) deps.hooks?.afterDeliveryRecorded?.();
  const delivery = toWebhookDelivery(deliveryId, read.webhook);
  // A redelivery of a settled delivery is a no-op, answered from how it was settled; one whose first
  // arrival was cut off before it was settled (its stream holds the record alone) settles it.
  if (before) {
    // This request's own record, settled: by another settler after it, or by this request's settling whose commit was followed by an error.
    if (result === 'recorded' && settlingFailed) {
      deps.telemetry.log('error', 'Cal.com delivery found settled after its settling here failed; answered as settled', { deliveryId, err: settlingFailed });
    }
    deps.telemetry.webhookDelivery(result === 'duplicate' ? 'duplicate' : 'already_settled');
    const ignored = before.abandoned ? 'it was abandoned before and is not applied again' : undefined;
    return { result, deliveryId, bookingId: before.bookingId, applied: [], orphan: before.orphan, ...(ignored && { ignored }) };
  }
  const settled = await settleDelivery(deps, delivery, from, { now, causation });
  return answered(deps, { result, deliveryId }, settled);
};

/** An error as logged: its name, SQLSTATE-like code and message (never a body or a parameter). */
const loggedError = (error: unknown) => ({ name: (error as Error)?.name, code: (error as { code?: unknown })?.code, message: (error as Error)?.message });

/** The answer to a delivery that this request settled (or found settled by another settler at the same time). */
const answered = (deps: UseCaseDeps, { result, deliveryId }: { result: 'recorded' | 'duplicate'; deliveryId: string }, settled: Settled): WebhookOutcome => {
  if (settled.orphan) {
    deps.telemetry.webhookDelivery('orphan');
    return { result, deliveryId, applied: [], orphan: settled.orphan };
  }
  const { applied } = settled;
  const counted = result === 'duplicate' ? 'duplicate' : settled.alreadySettled && applied.length === 0 ? 'already_settled' : applied.includes('WebhookMismatchRecorded') ? 'mismatch' : 'applied';
  deps.telemetry.webhookDelivery(counted);
  return { result, deliveryId, bookingId: settled.bookingId, applied };
};

import { CalcomWebhookReceived, webhookStreamId, type DeliveryEvent } from '../../domain';
import { readCalcomBody, toWebhookDelivery } from '../calcomWebhook';
import { toNewEvent } from '../eventEnvelope';
import { upcast } from '../upcasters';
import type { UseCaseDeps } from './deps';
import { settleDelivery } from './settleDelivery';
import { SETTLED_ELSEWHERE, UNSETTLED, unlessSettledElsewhere } from './settledDelivery';

export type DeliveryResumeOutcome = 'already_settled' | 'settled' | 'orphaned' | 'abandoned';

/**
 * A recorded Cal.com delivery that nothing settled (the process died or an error stopped it after it was
 * recorded, and Cal.com does not deliver again): settled now from the body it recorded, exactly as its
 * arrival would have. One that cannot be (recorded before the signing practice was kept, or after
 * `giveUp` failed attempts, which the caller counts) is abandoned: a named end, seen by analysts.
 */
export const resumeDelivery = async (deps: UseCaseDeps, deliveryId: string, giveUp?: { attempts: number; lastError: string }): Promise<DeliveryResumeOutcome> => {
  const stream = await deps.store.readStream(webhookStreamId(deliveryId));
  const first = stream[0];
  if (!first || stream.length > 1 || first.type !== 'CalcomWebhookReceived') return 'already_settled';
  const now = deps.now().toISOString();
  const causation = { correlationId: deliveryId, causationId: `resume-delivery-${now}` };
  const recorded = CalcomWebhookReceived.shape.data.safeParse(upcast(first.type, first.schemaVersion, first.data));
  const received = recorded.success ? recorded.data : undefined;
  const abandon = async (attempts: number, reason: string): Promise<DeliveryResumeOutcome> => {
    const event: DeliveryEvent = { type: 'CalcomWebhookAbandoned', data: { deliveryId, occurredAt: now, uid: received?.uid, callId: received?.callId, attempts, reason } };
    const wrote = await unlessSettledElsewhere(deliveryId, () => deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(event, causation)], { expectedVersion: UNSETTLED }));
    if (wrote === SETTLED_ELSEWHERE) return 'already_settled';
    deps.telemetry.webhookDelivery('abandoned');
    deps.telemetry.log('error', 'Cal.com delivery abandoned: it could not be settled', { alert: 'webhook_abandoned', deliveryId, uid: received?.uid, attempts, reason });
    return 'abandoned';
  };
  if (giveUp) return abandon(giveUp.attempts, `not settled after ${giveUp.attempts} attempts; the last failed with: ${giveUp.lastError}`);
  if (!received) return abandon(0, `its record does not read as a delivery: ${recorded.error?.issues.map((i) => i.message).join('; ')}`);
  if (received.from === null) return abandon(0, 'recorded before the practice that signed it was kept (version 1): not applied, so that no practice’s delivery can touch another’s booking');
  const read = readCalcomBody(received.body);
  if (read.kind !== 'booking') return abandon(0, `its recorded body no longer reads as a booking delivery: ${read.kind === 'invalid' ? read.problem : read.reason}`);
  const settled = await settleDelivery(deps, toWebhookDelivery(deliveryId, read.webhook), received.from, { now, causation });
  if (settled.alreadySettled) return 'already_settled';
  deps.telemetry.webhookDelivery('resumed');
  deps.telemetry.log('warn', 'Recorded Cal.com delivery settled late, by the delivery resumer', { deliveryId, bookingId: settled.bookingId, applied: settled.applied, orphan: settled.orphan });
  return settled.orphan ? 'orphaned' : 'settled';
};

import { webhookStreamId, type DeliveryEvent, type WebhookDelivery } from '../../domain';
import { loadBooking } from '../bookingRepository';
import { toNewEvent, type Causation } from '../eventEnvelope';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { applyDelivery } from './applyDelivery';
import type { UseCaseDeps } from './deps';
import { routeDelivery } from './routeDelivery';
import { NO_BOOKING, OTHER_PRACTICE, SETTLED_ELSEWHERE, UNSETTLED, settledBefore, unlessSettledElsewhere, type Settled } from './settledDelivery';

interface SettleAt {
  now: string;
  causation: Causation;
}

/**
 * A recorded booking delivery, routed to its booking and decided there; the delivery's stream gets its
 * one settling event (CalcomWebhookRouted or CalcomWebhookOrphaned), written with the decision (where
 * the store cannot write both at once: after it) and only while the stream holds nothing but the
 * delivery. A conflict there means someone settled it first, deciding on the same delivery: `alreadySettled`.
 */
export const settleDelivery = async (deps: UseCaseDeps, delivery: WebhookDelivery, from: { practiceId?: string }, { now, causation }: SettleAt): Promise<Settled> => {
  const { deliveryId } = delivery;
  const route = await routeDelivery(deps, delivery);
  if (!route) {
    const wrote = await unlessSettledElsewhere(deliveryId, () => recordOrphan(deps, delivery, NO_BOOKING, causation));
    return { applied: [], orphan: 'no_booking', ...(wrote === SETTLED_ELSEWHERE && { alreadySettled: true }) };
  }
  // A delivery signed by one practice's Cal.com never touches another practice's booking.
  const loaded = route.loaded ?? (await loadBooking(deps.store, route.bookingId));
  const target = loaded.state;
  const bookingPractice = target.practiceId ?? DEFAULT_PRACTICE_ID;
  if (from.practiceId !== undefined && bookingPractice !== from.practiceId) {
    const reason = `${OTHER_PRACTICE} ${bookingPractice}, the delivery was signed by practice ${from.practiceId}`;
    const wrote = await unlessSettledElsewhere(deliveryId, () => recordOrphan(deps, delivery, reason, causation));
    return { applied: [], orphan: 'other_practice', ...(wrote === SETTLED_ELSEWHERE && { alreadySettled: true }) };
  }
  const practiceDeps = deps.forPractice?.(bookingPractice) ?? deps;
  const { bookingId, via } = route;
  // Its routing is written with what it decides (one transaction where the store can), or alone.
  const routed: DeliveryEvent = { type: 'CalcomWebhookRouted', data: { deliveryId, occurredAt: now, bookingId, via } };
  const routedAppend = { streamId: webhookStreamId(deliveryId), events: [toNewEvent(routed, causation, target.callId)], expectedVersion: UNSETTLED };
  const result = await unlessSettledElsewhere(deliveryId, () => applyDelivery(practiceDeps, bookingId, delivery, now, causation, loaded, { after: [routedAppend] }));
  if (result === SETTLED_ELSEWHERE) return { bookingId, applied: [], alreadySettled: true };
  const applied = result.appended.map((e) => e.type);
  // (A store that appends one stream at a time wrote the decision before the routing was refused.)
  if (result.refusedAfter === routedAppend.streamId) {
    const winner = await settledBefore(deps.store, deliveryId);
    if (winner?.bookingId !== bookingId) {
      const settledAs = winner?.bookingId ? `routed to booking ${winner.bookingId}` : winner?.orphan ? `orphaned (${winner.orphan})` : 'abandoned';
      deps.telemetry.log('error', 'Cal.com delivery applied to a booking that another settler did not route it to', { alert: 'webhook_settled_twice', deliveryId, bookingId, applied, settledAs });
    }
    return { bookingId, applied, alreadySettled: true };
  }
  if (applied.length === 0) {
    const wrote = await unlessSettledElsewhere(deliveryId, () => deps.store.appendToStream(routedAppend.streamId, routedAppend.events, { expectedVersion: UNSETTLED }));
    if (wrote === SETTLED_ELSEWHERE) return { bookingId, applied, alreadySettled: true };
  }
  return { bookingId, applied };
};

const recordOrphan = async (deps: UseCaseDeps, delivery: WebhookDelivery, reason: string, causation: Causation) => {
  const { deliveryId, triggerEvent, uid } = delivery;
  const callId = delivery.metadata.call_id;
  const orphan: DeliveryEvent = { type: 'CalcomWebhookOrphaned', data: { deliveryId, occurredAt: deps.now().toISOString(), triggerEvent, uid, callId, reason } };
  await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(orphan, causation)], { expectedVersion: UNSETTLED });
  deps.telemetry.log('warn', 'Cal.com webhook matches no booking of ours', { deliveryId, triggerEvent, uid, callId });
};

import { needsHostAcceptanceLookup, type DeliveryEvent, type WebhookDelivery } from '../../domain';
import { loadBooking } from '../bookingRepository';
import { toNewEvent, type Causation } from '../eventEnvelope';
import type { NewEvent } from '../ports/eventStore';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { applyDelivery } from './applyDelivery';
import type { UseCaseDeps } from './deps';
import { deliveryStream, type DeliveryStream } from './deliveryStream';
import { routeDelivery } from './routeDelivery';
import { NO_BOOKING, OTHER_PRACTICE, SETTLED_ELSEWHERE, settledBefore, unlessSettledElsewhere, type Settled } from './settledDelivery';

interface SettleAt {
  now: string;
  causation: Causation;
  /**
   * The delivery's record when it is not written yet (see deliveryStream): written in the decision's
   * transaction, or alone first when settling needs a uid claim or a Cal.com lookup. Then
   * `alreadySettled` may also mean that another request recorded the same delivery first.
   */
  unrecorded?: NewEvent;
}

/**
 * A recorded booking delivery, routed to its booking and decided there; the delivery's stream gets its
 * one settling event (CalcomWebhookRouted or CalcomWebhookOrphaned), written with the decision (where
 * the store cannot write both at once: after it) and only while the stream holds nothing but the
 * delivery. A conflict there means someone settled it first, deciding on the same delivery: `alreadySettled`.
 */
export const settleDelivery = async (deps: UseCaseDeps, delivery: WebhookDelivery, from: { practiceId?: string }, { now, causation, unrecorded }: SettleAt): Promise<Settled> => {
  const { deliveryId } = delivery;
  const stream = deliveryStream(deps.store, deliveryId, unrecorded);
  const route = await routeDelivery(deps, delivery);
  if (!route) {
    const wrote = await unlessSettledElsewhere(deliveryId, () => recordOrphan(deps, stream, delivery, NO_BOOKING, causation));
    return { applied: [], orphan: 'no_booking', ...(wrote === SETTLED_ELSEWHERE && { alreadySettled: true }) };
  }
  // A delivery signed by one practice's Cal.com never touches another practice's booking.
  const loaded = route.loaded ?? (await loadBooking(deps.store, route.bookingId));
  const target = loaded.state;
  const bookingPractice = target.practiceId ?? DEFAULT_PRACTICE_ID;
  if (from.practiceId !== undefined && bookingPractice !== from.practiceId) {
    const reason = `${OTHER_PRACTICE} ${bookingPractice}, the delivery was signed by practice ${from.practiceId}`;
    const wrote = await unlessSettledElsewhere(deliveryId, () => recordOrphan(deps, stream, delivery, reason, causation));
    return { applied: [], orphan: 'other_practice', ...(wrote === SETTLED_ELSEWHERE && { alreadySettled: true }) };
  }
  const practiceDeps = deps.forPractice?.(bookingPractice) ?? deps;
  const { bookingId, via } = route;
  // Its routing is written with what it decides (one transaction where the store can), or alone.
  const routing: DeliveryEvent = { type: 'CalcomWebhookRouted', data: { deliveryId, occurredAt: now, bookingId, via } };
  const routed = toNewEvent(routing, causation, target.callId);
  // A claim of a new uid or a Cal.com lookup comes before the decision: a pending record does not wait for them.
  if (delivery.uid !== target.uid || needsHostAcceptanceLookup(target, delivery)) {
    const recorded = await unlessSettledElsewhere(deliveryId, () => stream.recordFirst());
    if (recorded === SETTLED_ELSEWHERE) return { bookingId, applied: [], alreadySettled: true };
  }
  const result = await unlessSettledElsewhere(deliveryId, () => applyDelivery(practiceDeps, bookingId, delivery, now, causation, loaded, stream.withDecision(routed)));
  if (result === SETTLED_ELSEWHERE) return { bookingId, applied: [], alreadySettled: true };
  const applied = result.appended.map((e) => e.type);
  // (A store that appends one stream at a time wrote the decision before the routing was refused.)
  if (result.refusedAfter === stream.streamId) {
    const winner = await settledBefore(deps.store, deliveryId);
    if (winner?.bookingId !== bookingId) {
      const settledAs = winner?.bookingId ? `routed to booking ${winner.bookingId}` : winner?.orphan ? `orphaned (${winner.orphan})` : 'abandoned';
      deps.telemetry.log('error', 'Cal.com delivery applied to a booking that another settler did not route it to', { alert: 'webhook_settled_twice', deliveryId, bookingId, applied, settledAs });
    }
    return { bookingId, applied, alreadySettled: true };
  }
  if (applied.length === 0) {
    const wrote = await unlessSettledElsewhere(deliveryId, () => stream.alone(routed));
    if (wrote === SETTLED_ELSEWHERE) return { bookingId, applied, alreadySettled: true };
  }
  return { bookingId, applied };
};

const recordOrphan = async (deps: UseCaseDeps, stream: DeliveryStream, delivery: WebhookDelivery, reason: string, causation: Causation) => {
  const { deliveryId, triggerEvent, uid } = delivery;
  const callId = delivery.metadata.call_id;
  const orphan: DeliveryEvent = { type: 'CalcomWebhookOrphaned', data: { deliveryId, occurredAt: deps.now().toISOString(), triggerEvent, uid, callId, reason } };
  await stream.alone(toNewEvent(orphan, causation));
  deps.telemetry.log('warn', 'Cal.com webhook matches no booking of ours', { deliveryId, triggerEvent, uid, callId });
};

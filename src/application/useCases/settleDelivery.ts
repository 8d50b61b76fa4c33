import { webhookStreamId, type DeliveryEvent, type WebhookDelivery } from '../../domain';
import { loadBooking } from '../bookingRepository';
import { toNewEvent, type Causation } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { applyDelivery } from './applyDelivery';
import type { UseCaseDeps } from './deps';
import { routeDelivery } from './routeDelivery';

export interface Settled {
  bookingId?: string;
  applied: string[];
  orphan?: 'no_booking' | 'other_practice';
  /** It had been settled already (a redelivery, or another instance or the resumer at the same time): nothing written. */
  alreadySettled?: boolean;
}

/** The delivery's stream holds only its CalcomWebhookReceived: whoever settles it first writes the one settling event. */
const UNSETTLED = 1;

/**
 * A recorded booking delivery, routed to its booking and decided there; the delivery's stream then gets
 * its one settling event (CalcomWebhookRouted or CalcomWebhookOrphaned), written with the decision (or
 * after it, where the store cannot do both at once) and only while the stream holds nothing but the
 * delivery. A conflict there means someone settled it first, with a decision on the same delivery:
 * nothing more to do. A redelivery decides again (the booking remembers what it applied) and so settles
 * one whose first settling a crash interrupted.
 */
export const settleDelivery = async (deps: UseCaseDeps, delivery: WebhookDelivery, from: { practiceId?: string }, at: { now: string; causation: Causation }): Promise<Settled> => {
  try {
    return await routeAndDecide(deps, delivery, from, at);
  } catch (error) {
    if (isConcurrencyError(error) && error.streamId === webhookStreamId(delivery.deliveryId)) return { applied: [], alreadySettled: true };
    throw error;
  }
};

const routeAndDecide = async (deps: UseCaseDeps, delivery: WebhookDelivery, from: { practiceId?: string }, { now, causation }: { now: string; causation: Causation }): Promise<Settled> => {
  const { deliveryId } = delivery;
  const route = await routeDelivery(deps, delivery);
  if (!route) {
    await recordOrphan(deps, delivery, 'no booking of ours matches its booking_ref, uid or call_id', causation);
    return { applied: [], orphan: 'no_booking' };
  }
  // A delivery signed by one practice's Cal.com never touches another practice's booking.
  const loaded = route.loaded ?? (await loadBooking(deps.store, route.bookingId));
  const target = loaded.state;
  const bookingPractice = target.practiceId ?? DEFAULT_PRACTICE_ID;
  if (from.practiceId !== undefined && bookingPractice !== from.practiceId) {
    const reason = `the booking it names belongs to practice ${bookingPractice}, the delivery was signed by practice ${from.practiceId}`;
    await recordOrphan(deps, delivery, reason, causation);
    return { applied: [], orphan: 'other_practice' };
  }
  const practiceDeps = deps.forPractice?.(bookingPractice) ?? deps;
  // Its routing is written with what it decides (one transaction where the store can), or alone.
  const routed: DeliveryEvent = { type: 'CalcomWebhookRouted', data: { deliveryId, occurredAt: now, bookingId: route.bookingId, via: route.via } };
  const routedAppend = { streamId: webhookStreamId(deliveryId), events: [toNewEvent(routed, causation, target.callId)], expectedVersion: UNSETTLED };
  const { appended } = await applyDelivery(practiceDeps, route.bookingId, delivery, now, causation, loaded, { after: [routedAppend] });
  if (appended.length === 0) await deps.store.appendToStream(routedAppend.streamId, routedAppend.events, { expectedVersion: UNSETTLED });
  return { bookingId: route.bookingId, applied: appended.map((e) => e.type) };
};

const recordOrphan = async (deps: UseCaseDeps, delivery: WebhookDelivery, reason: string, causation: Causation) => {
  const { deliveryId, triggerEvent, uid } = delivery;
  const callId = delivery.metadata.call_id;
  const orphan: DeliveryEvent = { type: 'CalcomWebhookOrphaned', data: { deliveryId, occurredAt: deps.now().toISOString(), triggerEvent, uid, callId, reason } };
  deps.telemetry.log('warn', 'Cal.com webhook matches no booking of ours', { deliveryId, triggerEvent, uid, callId });
  await deps.store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(orphan, causation)], { expectedVersion: UNSETTLED });
};

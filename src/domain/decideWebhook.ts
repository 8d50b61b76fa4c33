import { hasEnded, isSettledByWebhook, type Booking } from './booking';
import type { BookingCommand } from './commands';
import { factsOf } from './facts';
import type { BookingEvent, WebhookMismatchReason } from './events';
import { settleHostAcceptance } from './hostAcceptance';
import { isHostAcceptance, proofGaps, uidGaps } from './matchWebhook';

type RecordWebhook = Extract<BookingCommand, { type: 'RecordWebhook' }>['data'];

/**
 * What a Cal.com webhook delivery means for this booking. Redeliveries change nothing; the order in
 * which the POST answer and the webhook arrive does not matter (matching by `booking_ref` needs no uid).
 * No delivery proves, cancels or moves this booking through a uid another booking owns.
 */
export const decideWebhook = ({ delivery, uidOwner, lookup, now }: RecordWebhook, state: Booking): BookingEvent[] => {
  if (state.status === 'none' || state.deliveries.includes(delivery.deliveryId)) return [];
  const facts = { ...factsOf(state, delivery.createdAt), uid: delivery.uid, deliveryId: delivery.deliveryId };
  const mismatch = (reasons: WebhookMismatchReason[]): BookingEvent[] => [
    { type: 'WebhookMismatchRecorded', data: { ...facts, triggerEvent: delivery.triggerEvent, reasons, receivedCallId: delivery.metadata.call_id } },
  ];

  switch (delivery.triggerEvent) {
    case 'BOOKING_CREATED': {
      if (state.confirmedAt === undefined && isHostAcceptance(state, delivery)) {
        const received: BookingEvent = { type: 'HostAcceptanceReceived', data: { ...facts, calcomBookingId: delivery.calcomBookingId } };
        const withPending = { ...state, hostAcceptance: { deliveryId: delivery.deliveryId, uid: delivery.uid, calcomBookingId: delivery.calcomBookingId } };
        return [received, ...(lookup ? settleHostAcceptance(withPending, lookup, now) : [])];
      }
      const gaps = proofGaps(state, delivery, uidOwner);
      if (gaps.length > 0) return mismatch(gaps);
      if (state.confirmedAt !== undefined) return []; // proven once; a second proof adds nothing
      return [{ type: 'BookingConfirmedByWebhook', data: { ...facts, calcomBookingId: delivery.calcomBookingId, via: 'metadata' } }];
    }
    case 'BOOKING_REQUESTED': {
      // A new time for this booking that the host must confirm: a move, proven by the old uid being ours.
      if (delivery.rescheduleUid !== undefined) return moved(true);
      const gaps = proofGaps(state, delivery, uidOwner);
      if (gaps.length > 0) return mismatch(gaps);
      // Webhooks arrive in any order: a late BOOKING_REQUESTED never reopens a settled booking.
      if (isSettledByWebhook(state)) return [];
      return [{ type: 'HostConfirmationRequested', data: facts }];
    }
    case 'BOOKING_CANCELLED': {
      const gaps = uidGaps(state, delivery, uidOwner);
      if (gaps.length > 0) return mismatch(gaps);
      // Cancelled and rejected: the first stays. Cal.com can reject a pending booking already cancelled and
      // its webhooks arrive in any order; a copy that found the booking ended (and left nothing) must not flip it later.
      if (hasEnded(state)) return [];
      if (delivery.rescheduleRequested) {
        return state.status === 'reschedule_requested' ? [] : [{ type: 'RescheduleRequested', data: { ...facts, reason: delivery.reason } }];
      }
      return [{ type: 'BookingCancelled', data: { ...facts, source: 'webhook', reason: delivery.reason } }];
    }
    case 'BOOKING_REJECTED': {
      const gaps = uidGaps(state, delivery, uidOwner);
      if (gaps.length > 0) return mismatch(gaps);
      return hasEnded(state) ? [] : [{ type: 'BookingRejected', data: { ...facts, reason: delivery.reason } }];
    }
    case 'BOOKING_RESCHEDULED':
      return moved(false);
  }

  /**
   * The old uid must be this booking's own; the new one must be (or become) this booking's claim. Cal.com
   * gives a moved booking a new uid, so a "move" to the same uid is no move (it would unprove the booking).
   */
  function moved(awaitingHost: boolean): BookingEvent[] {
    if (!delivery.rescheduleUid || delivery.rescheduleUid !== state.uid || delivery.uid === delivery.rescheduleUid) return mismatch(['uid_mismatch']);
    const gaps = uidGaps(state, delivery, uidOwner);
    if (gaps.length > 0) return mismatch(gaps);
    const slotStart = delivery.startTime ?? state.slotStart ?? delivery.createdAt;
    return [{ type: 'BookingRescheduled', data: { ...facts, fromUid: delivery.rescheduleUid, slotStart, awaitingHost } }];
  }
};

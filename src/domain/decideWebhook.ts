import type { Booking } from './booking';
import type { WebhookDelivery } from './commands';
import { factsOf } from './facts';
import type { BookingEvent } from './events';
import { concernsBooking, proofGaps } from './matchWebhook';

/**
 * What a Cal.com webhook delivery means for this booking. Redeliveries change nothing; the order in
 * which the POST answer and the webhook arrive does not matter (matching by `booking_ref` needs no uid).
 */
export const decideWebhook = ({ delivery, now: _now }: { delivery: WebhookDelivery; now: string }, state: Booking): BookingEvent[] => {
  if (state.status === 'none' || state.deliveries.includes(delivery.deliveryId)) return [];
  const facts = { ...factsOf(state, delivery.createdAt), uid: delivery.uid, deliveryId: delivery.deliveryId };
  const mismatch = (reasons: ReturnType<typeof proofGaps>): BookingEvent[] => [
    { type: 'WebhookMismatchRecorded', data: { ...facts, triggerEvent: delivery.triggerEvent, reasons, receivedCallId: delivery.metadata.call_id } },
  ];

  switch (delivery.triggerEvent) {
    case 'BOOKING_CREATED': {
      const gaps = proofGaps(state, delivery);
      if (gaps.length > 0) return mismatch(gaps);
      if (state.confirmedAt !== undefined) return []; // proven once; a second proof adds nothing
      return [{ type: 'BookingConfirmedByWebhook', data: { ...facts, calcomBookingId: delivery.calcomBookingId } }];
    }
    case 'BOOKING_REQUESTED': {
      const gaps = proofGaps(state, delivery);
      if (gaps.length > 0) return mismatch(gaps);
      // Webhooks arrive in any order: a late BOOKING_REQUESTED never reopens a settled booking.
      if (['confirmed', 'awaiting_host', 'cancelled', 'rejected'].includes(state.status)) return [];
      return [{ type: 'HostConfirmationRequested', data: facts }];
    }
    case 'BOOKING_CANCELLED':
      if (!concernsBooking(state, delivery)) return mismatch(['uid_mismatch']);
      if (state.status === 'cancelled') return [];
      return [{ type: 'BookingCancelled', data: { ...facts, source: 'webhook', reason: delivery.reason } }];
    case 'BOOKING_REJECTED':
      if (!concernsBooking(state, delivery)) return mismatch(['uid_mismatch']);
      return [{ type: 'BookingRejected', data: { ...facts, reason: delivery.reason } }];
    case 'BOOKING_RESCHEDULED':
      if (!concernsBooking(state, delivery) || !delivery.rescheduleUid) return mismatch(['uid_mismatch']);
      return [
        {
          type: 'BookingRescheduled',
          data: { ...facts, fromUid: delivery.rescheduleUid, slotStart: delivery.startTime ?? state.slotStart ?? delivery.createdAt },
        },
      ];
  }
};

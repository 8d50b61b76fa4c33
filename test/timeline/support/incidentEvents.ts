import type { StoredEvent } from '../../../src/application/ports/eventStore';
import { CALCOM_CREATED_AT, CALCOM_ID, EVENT_TYPE_ID, SHARED_FALLBACK_EMAIL, SLOT_START, UID, booking687, booking688, call687, call688 } from '../../fixtures/incident';

/**
 * The incident's event history as the service records it (same types, data and order as a replay
 * through HTTP), but with production timing: recordedAt a few milliseconds after occurredAt, so
 * "as of 2025-10-06T09:20:00Z" falls between the two calls.
 */
export const incidentEvents = (names: { name687?: string; name688?: string } = {}): StoredEvent[] => {
  const name687 = names.name687 ?? call687.name;
  const name688 = names.name688 ?? call688.name;
  let position = 0;
  const delivery = 'b794643ea8d59be19389c4b4fe9722da3b5bf892';
  const event = (streamId: string, type: string, data: Record<string, unknown>, occurredAt: string, recordedAt: string, callId: string): StoredEvent => {
    position += 1;
    return {
      id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      streamId,
      streamVersion: 1,
      position: `${String(1000 + position).padStart(20, '0')}:${String(position).padStart(20, '0')}`,
      type,
      schemaVersion: 1,
      data: { ...data, occurredAt },
      metadata: { occurredAt, callId, correlationId: `corr-${callId}`, causationId: `cause-${position}` },
      recordedAt: new Date(recordedAt),
    };
  };
  const b687 = `booking-${booking687}`;
  const b688 = `booking-${booking688}`;
  const c1 = call687.callId;
  const c2 = call688.callId;
  const attendee687 = { name: name687, email: `call-${c1}@calls.booking-ledger.invalid` };
  const requested = (bookingId: string, callId: string, attendee: object) => ({
    bookingId, callId, eventTypeId: EVENT_TYPE_ID, slotStart: SLOT_START, timeZone: 'Europe/Berlin', service: 'Beratung', language: 'de', attendee,
  });
  return [
    event(b687, 'BookingRequested', requested(booking687, c1, attendee687), '2025-10-06T09:04:54.000Z', '2025-10-06T09:04:54.010Z', c1),
    event(`calcom-webhook-${delivery}`, 'CalcomWebhookReceived', { deliveryId: delivery, triggerEvent: 'BOOKING_CREATED', uid: UID, callId: c1, body: { payload: { attendees: [attendee687] } } }, '2025-10-06T09:05:21.600Z', '2025-10-06T09:05:21.610Z', c1),
    event(b687, 'BookingConfirmedByWebhook', { bookingId: booking687, callId: c1, uid: UID, deliveryId: delivery, calcomBookingId: CALCOM_ID }, '2025-10-06T09:05:21.500Z', '2025-10-06T09:05:21.620Z', c1),
    event(`calcom-webhook-${delivery}`, 'CalcomWebhookRouted', { deliveryId: delivery, bookingId: booking687, via: 'booking_ref' }, '2025-10-06T09:05:21.600Z', '2025-10-06T09:05:21.630Z', c1),
    event(`calcom-uid-${UID}`, 'CalcomUidClaimed', { uid: UID, bookingId: booking687, callId: c1 }, '2025-10-06T09:05:21.700Z', '2025-10-06T09:05:21.710Z', c1),
    event(b687, 'CalcomResponded', {
      bookingId: booking687, callId: c1, httpStatus: 201, uid: UID, calcomBookingId: CALCOM_ID, status: 'accepted', start: SLOT_START, createdAt: CALCOM_CREATED_AT,
      metadata: { call_id: c1, booking_ref: booking687 }, attendees: [attendee687], latencyMs: 27_700,
    }, '2025-10-06T09:05:21.700Z', '2025-10-06T09:05:21.720Z', c1),
    event(b687, 'CalcomBookingAccepted', { bookingId: booking687, callId: c1, uid: UID, calcomBookingId: CALCOM_ID, status: 'accepted' }, '2025-10-06T09:05:21.700Z', '2025-10-06T09:05:21.720Z', c1),
    event(b688, 'BookingRequested', requested(booking688, c2, { name: name688, phoneNumber: '+4915112345667' }), '2025-10-06T09:39:22.000Z', '2025-10-06T09:39:22.010Z', c2),
    event(b688, 'CalcomResponded', {
      bookingId: booking688, callId: c2, httpStatus: 200, uid: UID, calcomBookingId: CALCOM_ID, status: 'accepted', start: SLOT_START, createdAt: CALCOM_CREATED_AT,
      metadata: { call_id: c1, booking_ref: booking687 }, attendees: [{ name: name687, email: SHARED_FALLBACK_EMAIL }], latencyMs: 412,
    }, '2025-10-06T09:39:22.500Z', '2025-10-06T09:39:22.510Z', c2),
    event(b688, 'DuplicateDetected', {
      bookingId: booking688, callId: c2,
      reasons: ['metadata_booking_ref_mismatch', 'stale_created_at', 'metadata_call_id_mismatch', 'attendee_mismatch', 'uid_already_claimed'],
      conflicting: { uid: UID, calcomBookingId: CALCOM_ID, createdAt: CALCOM_CREATED_AT, metadataCallId: c1, metadataBookingRef: booking687, ownerBookingId: booking687 },
    }, '2025-10-06T09:39:22.500Z', '2025-10-06T09:39:22.510Z', c2),
  ];
};

import { v5 as uuidv5 } from 'uuid';

/** Namespace for booking ids (a fixed random UUID: changing it would orphan every stream). */
const BOOKING_NAMESPACE = '5b0f4c34-8f3e-4d53-9a3e-6f1f1f0f5b9a';

/**
 * The booking attempt's id: UUIDv5 of (Retell call id, event type id, slot start in UTC).
 * A retried function call computes the same id, lands on the same stream, and never posts twice.
 */
export const bookingIdFor = (callId: string, eventTypeId: number, slotStartUtc: string): string =>
  uuidv5(`${callId}|${eventTypeId}|${new Date(slotStartUtc).toISOString()}`, BOOKING_NAMESPACE);

export const bookingStreamId = (bookingId: string): string => `booking-${bookingId}`;
export const calcomUidStreamId = (uid: string): string => `calcom-uid-${uid}`;

/** A move's id: UUIDv5 of (call id, booking id, new slot in UTC): every delivery of one function call joins one move. */
export const moveIdFor = (callId: string, bookingId: string, toSlotStartUtc: string): string =>
  uuidv5(`move|${callId}|${bookingId}|${new Date(toSlotStartUtc).toISOString()}`, BOOKING_NAMESPACE);

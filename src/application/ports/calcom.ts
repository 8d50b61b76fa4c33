/**
 * The Cal.com port: what the use cases need from Cal.com API v2, as plain results.
 * Every outcome is a value, never a thrown error, so the caller records it as a fact.
 */

export interface CalcomAttendee {
  name: string;
  email?: string;
  phoneNumber?: string;
  timeZone?: string;
}

/** The raw facts of a booking as Cal.com reports it (POST answer or GET by uid). */
export interface CalcomBooking {
  id: number;
  uid: string;
  status: string;
  start: string;
  end?: string;
  createdAt?: string;
  eventTypeId?: number;
  metadata: Record<string, string>;
  attendees: CalcomAttendee[];
  /** Set when a seated event type added an attendee to an existing booking (the uid is that booking's). */
  seatUid?: string;
  /** A booking made by rescheduling: the uid it replaced (API v2 `rescheduledFromUid`). */
  rescheduledFromUid?: string;
  /** A booking that was rescheduled (then `cancelled`): the uid that replaced it. */
  rescheduledToUid?: string;
}

/** POST /v2/bookings/{uid}/reschedule: the booking moves to `start` (a new booking, the old one cancelled). */
export interface RescheduleBookingInput {
  uid: string;
  /** ISO 8601 in UTC. */
  start: string;
  reason?: string;
  /** The event type of the booking (only to keep the slots cache true). */
  eventTypeId: number;
}

/** Metadata as Cal.com stores it: at most 50 keys, keys up to 40 characters, values up to 500 (strings, numbers, booleans). */
export type CalcomMetadata = Record<string, string | number | boolean>;

export interface CreateBookingInput {
  eventTypeId: number;
  /** ISO 8601 in UTC. */
  start: string;
  attendee: CalcomAttendee & { timeZone: string; language?: string };
  /** Ours are strings (call_id, booking_ref); Cal.com's limits are checked before sending. */
  metadata: Record<string, string>;
  /** The event type's booking fields by slug (e.g. `notes`): what the caller asked for, and the call. */
  bookingFieldsResponses?: Record<string, string>;
}

/** What this service needs to know about the event type it books. */
export interface CalcomEventType {
  id: number;
  /** Seats per slot, when the event type is seated (unsupported: a seat shares its booking's uid). */
  seatsPerTimeSlot?: number;
  /** The host must confirm each booking (BOOKING_REQUESTED, then a metadata-less BOOKING_CREATED). */
  requiresConfirmation: boolean;
  /** Slugs of the visible booking fields the attendee must fill. */
  requiredFields: string[];
}

export type GetEventTypeResult =
  | { outcome: 'found'; eventType: CalcomEventType; latencyMs: number }
  | { outcome: 'not_found'; latencyMs: number }
  | CalcomRejected
  | CalcomUnreachable;

export type FindBookingsResult =
  | { outcome: 'ok'; bookings: CalcomBooking[]; latencyMs: number }
  | CalcomRejected
  | CalcomUnreachable;

/** Cal.com could not be reached or did not finish: the booking may or may not exist. */
export interface CalcomUnreachable {
  outcome: 'unreachable';
  reason: 'timeout' | 'network' | 'server_error' | 'rate_limited' | 'circuit_open';
  httpStatus?: number;
  message: string;
  latencyMs: number;
}

/** Cal.com answered with a 4xx: it refused the request. */
export interface CalcomRejected {
  outcome: 'rejected';
  httpStatus: number;
  code?: string;
  message: string;
  latencyMs: number;
}

export type CreateBookingResult =
  | { outcome: 'answered'; httpStatus: number; booking: CalcomBooking; latencyMs: number }
  | CalcomRejected
  | CalcomUnreachable;

export type GetBookingResult =
  | { outcome: 'found'; booking: CalcomBooking; latencyMs: number }
  | { outcome: 'not_found'; latencyMs: number }
  | CalcomRejected
  | CalcomUnreachable;

export type GetSlotsResult =
  | { outcome: 'ok'; slots: string[]; latencyMs: number }
  | CalcomRejected
  | CalcomUnreachable;

export type CancelBookingResult =
  | { outcome: 'cancelled'; latencyMs: number }
  | CalcomRejected
  | CalcomUnreachable;

export interface CalcomClient {
  createBooking(input: CreateBookingInput): Promise<CreateBookingResult>;
  getBooking(uid: string): Promise<GetBookingResult>;
  /** Free slot starts (ISO 8601, UTC) for an event type between two instants. */
  getSlots(input: { eventTypeId: number; start: string; end: string; timeZone: string }): Promise<GetSlotsResult>;
  cancelBooking(uid: string, reason: string): Promise<CancelBookingResult>;
  /** Answers the NEW booking (201) as `answered`, like a create. */
  rescheduleBooking(input: RescheduleBookingInput): Promise<CreateBookingResult>;
  /** GET /v2/event-types/{id} (cal-api-version 2024-06-14). */
  getEventType(eventTypeId: number): Promise<GetEventTypeResult>;
  /** GET /v2/bookings by attendee email and event type, starting in [afterStart, beforeEnd]. */
  findBookings(input: { attendeeEmail: string; eventTypeId: number; afterStart: string; beforeEnd: string }): Promise<FindBookingsResult>;
}

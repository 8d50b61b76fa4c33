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
}

export interface CreateBookingInput {
  eventTypeId: number;
  /** ISO 8601 in UTC. */
  start: string;
  attendee: CalcomAttendee & { timeZone: string; language?: string };
  /** String values only (Cal.com: 50 keys, 40-char keys, 500-char values). */
  metadata: Record<string, string>;
}

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
}

import type { BookingStatus } from '../../domain';

/** What the analyst asked for. */
export type TimelineSubject =
  | { kind: 'calls'; callIds: string[] }
  | { kind: 'booking_uid'; uid: string }
  | { kind: 'recorded_between'; from: string; to: string };

/** Why an event is highlighted. */
export type TimelineFlag =
  /** Cal.com's `createdAt` is older than our request: it handed back an existing booking. */
  | 'stale_created_at'
  /** Cal.com's metadata `call_id` names another call. */
  | 'foreign_call_id'
  /** Cal.com's metadata `booking_ref` names another booking. */
  | 'foreign_booking_ref'
  /** None of Cal.com's attendees is this caller. */
  | 'other_attendee'
  /** The event records (or its uid is part of) a duplicate. */
  | 'duplicate'
  /** The webhook that proved a booking. */
  | 'confirmed'
  /** A projection could not apply the event and parked it. */
  | 'parked';

/** One event as an analyst reads it. Emails and phone numbers are masked everywhere in it. */
export interface TimelineEntry {
  eventId: string;
  position: string;
  streamId: string;
  type: string;
  callId: string | null;
  bookingId: string | null;
  /** The Cal.com uid the event is about, if any. */
  uid: string | null;
  /** When it happened in the outside world (metadata.occurredAt). */
  occurredAt: string | null;
  /** When the store recorded it. */
  recordedAt: string;
  correlationId: string | null;
  causationId: string | null;
  /** One line: what this event means. */
  meaning: string;
  flags: TimelineFlag[];
  /** The highlights in words (e.g. the stale createdAt and how old it was). */
  warnings: string[];
  /** Key facts of the event, ready to show (masked). */
  details: Record<string, string>;
}

/** One answer the caller heard (a `CallerAnswered` event). */
export interface ToldEntry {
  /** When the answer was given (the outside world's time). */
  at: string;
  function: string;
  delivery: number;
  status: string;
  message: string;
  bookingStatus: string | null;
}

/** Everything one Retell call did (its lane in the page), in recorded order. `callId` null: events naming no call. */
export interface TimelineCall {
  callId: string | null;
  /** Calls that touched the same Cal.com uid share a group number (groups are shown together). */
  group: number;
  attendeeNames: string[];
  bookingIds: string[];
  uids: string[];
  entries: TimelineEntry[];
  /** What the caller was told, in order (the answers shown). */
  told: ToldEntry[];
  /** Events of this call recorded after `asOf` (not shown). */
  laterEventCount: number;
  /** When the first event of this call was recorded, as-of or not. */
  firstRecordedAt: string;
}

/** A booking's state rebuilt with the domain's `evolve` from the events shown. */
export interface BookingStateView {
  bookingId: string;
  callId: string | null;
  /** The practice the booking is for (`default`: the environment's). */
  practiceId: string;
  attendeeName: string | null;
  slotStart: string | null;
  status: BookingStatus;
  uid: string | null;
  calcomBookingId: number | null;
  confirmedAt: string | null;
  duplicate: { reasons: string[]; conflictingUid: string; ownerBookingId: string | null; ownerCallId: string | null } | null;
  failure: string | null;
  lastEventType: string;
  lastRecordedAt: string;
}

export type UidTouch = 'claimed' | 'returned' | 'confirmed';

/** A Cal.com uid claimed or returned for more than one booking. */
export interface DuplicateUidView {
  uid: string;
  bookings: Array<{ bookingId: string; callId: string | null; touches: UidTouch[]; reasons: string[] }>;
}

export interface Timeline {
  subject: TimelineSubject;
  /** Only events recorded up to this instant are shown; null = everything. */
  asOf: string | null;
  /** What asOf compared: recorded time (what the system knew then) or happened time. */
  asOfBasis: 'recorded' | 'happened';
  generatedAt: string;
  /** Calls grouped (shared uid) then by first recorded event. */
  calls: TimelineCall[];
  bookings: BookingStateView[];
  duplicates: DuplicateUidView[];
  counts: { matched: number; shown: number; recordedLater: number };
  /** First and last instants of every matched event, shown or not (the as-of control's range). */
  span: { recorded: { first: string; last: string } | null; happened: { first: string; last: string } | null };
  /** The query hit its limit: older or later events may be missing. */
  truncated: boolean;
  notes: string[];
}

/** The call ids of a timeline's calls, without the lane of events that name no call. */
export const timelineCallIds = (timeline: Timeline): string[] =>
  timeline.calls.map((c) => c.callId).filter((id): id is string => id !== null);

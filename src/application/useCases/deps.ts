import type { RecentCallStreams } from '../callStreamSummary';
import type { RecentBookings } from '../recentBookings';
import type { Service } from '../practice';
import type { PhoneRegion } from '../phoneNumber';
import type { CalcomClient } from '../ports/calcom';
import type { EventStore } from '../ports/eventStore';
import type { Telemetry } from '../ports/telemetry';

export interface BookingSettings {
  /** The practice these settings are of. */
  practiceId: string;
  /** The services it offers (each a Cal.com event type). */
  services: Service[];
  /** The first service's event type (the only one of a single-practice set-up). */
  eventTypeId: number;
  timeZone: string;
  /** Domain for per-call placeholder attendee addresses when the caller gives no email or phone. */
  placeholderEmailDomain: string;
  /** How long book_appointment waits for the confirming webhook before answering `pending`. */
  confirmationWaitMs: number;
  /** The slow re-read of a waiting request (appends wake it at once). */
  confirmationPollMs?: number;
  defaultLanguage: 'de' | 'en';
  /** National phone numbers are read in this region (DEFAULT_PHONE_REGION). */
  phoneRegion: PhoneRegion;
  /** How many days ahead a caller may book (BOOKING_HORIZON_DAYS). */
  horizonDays: number;
  /** A booking with no Cal.com answer recorded for this long is taken up again (RESUME_AFTER_MS). */
  resumeAfterMs: number;
  /** The event type's booking field (slug) that gets the service asked for and the call id; '' sends none (CALCOM_NOTES_FIELD). */
  notesField: string;
}

/**
 * Finds booking ids in the read model: by call id (webhooks that carry nothing better, a call's own
 * bookings) and by practice and trusted caller number (callers who call back). The event store decides.
 */
export interface BookingLookup {
  bookingsForCall(callId: string): Promise<Array<{ bookingId: string; slotStart?: string }>>;
  /** The caller's bookings at the practice that start after `after`, soonest first. */
  bookingsForCaller?(query: { practiceId: string; callerNumber: string; after: Date }): Promise<Array<{ bookingId: string; slotStart?: string }>>;
}

/** Test-only points where a process can be made to die (a real SIGKILL, to prove recovery). */
export interface UseCaseHooks {
  afterBookingRequested?(): void;
  /** A Cal.com booking delivery was recorded for the first time, not yet settled. */
  afterDeliveryRecorded?(): void;
}

export interface UseCaseDeps {
  store: EventStore;
  calcom: CalcomClient;
  settings: BookingSettings;
  telemetry: Telemetry;
  lookup?: BookingLookup;
  now: () => Date;
  hooks?: UseCaseHooks;
  /**
   * The call streams this process appended to or read lately (one memory for every practice): a call's
   * answer is appended on the version known here without reading the stream first. Absent: read first.
   */
  recentCalls?: RecentCallStreams;
  /** The booking states this process's appends left lately: a webhook for one is decided without reading it first. Absent: read. */
  recentBookings?: RecentBookings;
  /** The dependencies of another practice (for work that spans bookings: webhooks, reconciler, resumer). */
  forPractice?(practiceId: string): UseCaseDeps | undefined;
}

/**
 * One outside request: its call and a request id for correlation. `callId` and `callerNumber` are the
 * trusted identity (from Retell's `call` object; in args-only mode the call id comes from the args and
 * there is no caller number): a call may touch only bookings of the same call or the same caller number.
 */
export interface RequestContext {
  callId: string;
  requestId: string;
  /** The caller's number from Retell (`call.from_number`), never from the model's args. */
  callerNumber?: string;
}

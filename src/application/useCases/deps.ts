import type { CalcomClient } from '../ports/calcom';
import type { EventStore } from '../ports/eventStore';
import type { Telemetry } from '../ports/telemetry';

export interface BookingSettings {
  eventTypeId: number;
  timeZone: string;
  /** Domain for per-call placeholder attendee addresses when the caller gives no email or phone. */
  placeholderEmailDomain: string;
  /** How long book_appointment waits for the confirming webhook before answering `pending`. */
  confirmationWaitMs: number;
  defaultLanguage: 'de' | 'en';
}

/** Finds bookings by call id (read model); used only to route webhooks that carry nothing better. */
export interface BookingLookup {
  bookingsForCall(callId: string): Promise<Array<{ bookingId: string; slotStart?: string }>>;
}

export interface UseCaseDeps {
  store: EventStore;
  calcom: CalcomClient;
  settings: BookingSettings;
  telemetry: Telemetry;
  lookup?: BookingLookup;
  now: () => Date;
}

/** One outside request: its call and a request id for correlation. */
export interface RequestContext {
  callId: string;
  requestId: string;
}

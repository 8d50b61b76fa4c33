import { bookingEventSchema, currentSchemaVersion, type BookingEvent } from '../domain';
import type { NewEvent, StoredEvent } from './ports/eventStore';
import { upcast } from './upcasters';

export interface Causation {
  /** Ties together everything one outside request caused (e.g. one Retell function call). */
  correlationId: string;
  /** The message that directly caused these events (request id, webhook delivery id, event id). */
  causationId: string;
}

/** A domain event as stored: its data untouched, its outside-world time and call id lifted into metadata. */
export const toNewEvent = (
  event: { type: string; data: { occurredAt: string; callId?: string } },
  causation: Causation,
  callId: string | undefined = event.data.callId,
): NewEvent => ({
  type: event.type,
  schemaVersion: currentSchemaVersion(event.type),
  data: event.data,
  metadata: { occurredAt: event.data.occurredAt, callId, ...causation },
});

/** A stored booking event brought to the current schema version and validated. */
export const toBookingEvent = (stored: StoredEvent): BookingEvent => {
  const current = upcast(stored.type, stored.schemaVersion, stored.data);
  return bookingEventSchema.parse({ type: stored.type, data: current });
};

const BOOKING_EVENT_TYPES = new Set<string>(bookingEventSchema.options.map((option) => option.shape.type.value));
export const isBookingEventType = (type: string): boolean => BOOKING_EVENT_TYPES.has(type);

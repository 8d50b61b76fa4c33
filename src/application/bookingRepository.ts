import { bookingStreamId, decide, evolve, foldBooking, type Booking, type BookingCommand, type BookingEvent } from '../domain';
import { isBookingEventType, toBookingEvent, toNewEvent, type Causation } from './eventEnvelope';
import { isConcurrencyError, type EventStore, type StoredEvent } from './ports/eventStore';

export interface LoadedBooking {
  state: Booking;
  version: number;
  stored: StoredEvent[];
}

export const loadBooking = async (store: EventStore, bookingId: string): Promise<LoadedBooking> => {
  const stored = await store.readStream(bookingStreamId(bookingId));
  const events = stored.filter((e) => isBookingEventType(e.type)).map(toBookingEvent);
  return { state: foldBooking(events), version: stored.length, stored };
};

/** A booking's state and the stream version it was folded from (what a use case just read or wrote). */
export type KnownBooking = Pick<LoadedBooking, 'state' | 'version'>;

/**
 * Load → decide → append with the version we decided on. A concurrent writer makes the append fail;
 * we then decide again on the newer state, so every decision sees everything before it. `known`: a
 * state the caller just read or wrote, decided on without reading the stream again (if it is stale,
 * the append fails on its version and the stream is read).
 */
export const handleBookingCommand = async (
  store: EventStore,
  bookingId: string,
  command: BookingCommand,
  causation: Causation,
  options: { known?: KnownBooking; maxAttempts?: number } = {},
): Promise<{ state: Booking; appended: BookingEvent[]; version: number }> => {
  const maxAttempts = options.maxAttempts ?? 10;
  let known = options.known;
  for (let attempt = 1; ; attempt += 1) {
    const { state, version } = known ?? (await loadBooking(store, bookingId));
    known = undefined;
    const events = decide(command, state);
    if (events.length === 0) return { state, appended: [], version };
    try {
      await store.appendToStream(
        bookingStreamId(bookingId),
        events.map((e) => toNewEvent(e, causation)),
        { expectedVersion: version },
      );
      return { state: events.reduce(evolve, state), appended: events, version: version + events.length };
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= maxAttempts) throw error;
    }
  }
};

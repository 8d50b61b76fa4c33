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

/**
 * Load → decide → append with the version we decided on. A concurrent writer makes the append fail;
 * we then decide again on the newer state, so every decision sees everything before it.
 */
export const handleBookingCommand = async (
  store: EventStore,
  bookingId: string,
  command: BookingCommand,
  causation: Causation,
  maxAttempts = 10,
): Promise<{ state: Booking; appended: BookingEvent[] }> => {
  for (let attempt = 1; ; attempt += 1) {
    const { state, version } = await loadBooking(store, bookingId);
    const events = decide(command, state);
    if (events.length === 0) return { state, appended: [] };
    try {
      await store.appendToStream(
        bookingStreamId(bookingId),
        events.map((e) => toNewEvent(e, causation)),
        { expectedVersion: version },
      );
      return { state: events.reduce(evolve, state), appended: events };
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= maxAttempts) throw error;
    }
  }
};

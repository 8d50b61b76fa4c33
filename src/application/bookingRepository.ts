import { bookingStreamId, decide, evolve, foldBooking, type Booking, type BookingCommand, type BookingEvent } from '../domain';
import { isBookingEventType, toBookingEvent, toNewEvent, type Causation } from './eventEnvelope';
import { isConcurrencyError, type AppendNote, type EventStore, type StoredEvent, type StreamAppend } from './ports/eventStore';

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

const BOOKING_NOTE = Symbol('booking state after the append');

/** A booking append's note (see AppendNote): the state its events leave, so this process's waiters need not read it back. */
const bookingNote = (state: Booking): AppendNote => ({ [BOOKING_NOTE]: state });

/** The booking state a signal's note carries, if it is one handleBookingCommand wrote. */
export const notedBooking = (note: AppendNote): Booking | undefined =>
  typeof note === 'object' && note !== null && BOOKING_NOTE in note ? (note as { [BOOKING_NOTE]: Booking })[BOOKING_NOTE] : undefined;

/** Appends that belong with a command's events (another stream's facts about the same moment). */
export interface Alongside {
  before?: StreamAppend[];
  after?: StreamAppend[];
}

/**
 * Load → decide → append with the version we decided on. A concurrent writer makes the append fail;
 * we then decide again on the newer state, so every decision sees everything before it. `known`: a
 * state the caller just read or wrote, decided on without reading the stream again (if it is stale,
 * the append fails on its version and the stream is read). `alongside`: other streams' events written
 * with the booking's when it decides something, in one transaction where the store can (all or none: a
 * conflict on one of those streams is thrown, not decided again), else one by one in the order given (a
 * conflict on an `after` stream, once the booking's events are written, is answered as `refusedAfter`).
 */
export const handleBookingCommand = async (
  store: EventStore,
  bookingId: string,
  command: BookingCommand,
  causation: Causation,
  options: { known?: KnownBooking; maxAttempts?: number; alongside?: Alongside } = {},
): Promise<{ state: Booking; appended: BookingEvent[]; version: number; refusedAfter?: string }> => {
  const maxAttempts = options.maxAttempts ?? 10;
  const streamId = bookingStreamId(bookingId);
  let known = options.known;
  for (let attempt = 1; ; attempt += 1) {
    const { state, version } = known ?? (await loadBooking(store, bookingId));
    known = undefined;
    const events = decide(command, state);
    if (events.length === 0) return { state, appended: [], version };
    try {
      const after = events.reduce(evolve, state);
      const own = { streamId, events: events.map((e) => toNewEvent(e, causation)), expectedVersion: version, note: bookingNote(after) };
      const refusedAfter = await appendInOrder(store, options.alongside?.before ?? [], own, options.alongside?.after ?? []);
      return { state: after, appended: events, version: version + events.length, ...(refusedAfter && { refusedAfter }) };
    } catch (error) {
      if (!isConcurrencyError(error) || error.streamId !== streamId || attempt >= maxAttempts) throw error;
    }
  }
};

/**
 * One transaction where the store can append to several streams at once; else one append after another.
 * There, an `after` append refused on its version comes when the booking's own events are written
 * already: the decision stands, and the refused stream's id is answered instead of thrown.
 */
const appendInOrder = async (store: EventStore, before: StreamAppend[], own: StreamAppend, after: StreamAppend[]): Promise<string | undefined> => {
  const appends = [...before, own, ...after];
  if (appends.length > 1 && store.appendToStreams) {
    await store.appendToStreams(appends);
    return undefined;
  }
  for (const { streamId, events, expectedVersion, note } of [...before, own]) await store.appendToStream(streamId, events, { expectedVersion, note });
  for (const { streamId, events, expectedVersion } of after) {
    try {
      await store.appendToStream(streamId, events, { expectedVersion });
    } catch (error) {
      if (isConcurrencyError(error)) return streamId;
      throw error;
    }
  }
  return undefined;
};

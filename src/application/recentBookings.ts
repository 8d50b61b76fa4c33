import { bookingStreamId, needsHostAcceptanceLookup, type Booking, type WebhookDelivery } from '../domain';
import { notedBooking, type KnownBooking } from './bookingRepository';
import type { EventStore } from './ports/eventStore';
import { createRecentStreams, type RecentStreams } from './recentStreams';

/** How long a remembered booking state is offered to a webhook (Cal.com's comes seconds after its answer). */
const OFFERED_FOR_MS = 120_000;

export interface RecentBookings {
  /**
   * The state this process's last append left the booking in, for a delivery it can be decided on without
   * a read: remembered less than two minutes ago, for the delivery's own uid, needing no Cal.com lookup
   * first. A state that another process has moved on since is refused on its version by the decision's
   * append, which then reads the stream (handleBookingCommand); nothing before that decision acts on it.
   */
  forDelivery(bookingId: string, delivery: WebhookDelivery): KnownBooking | undefined;
  stop(): void;
}

/** Remembers the booking states this process's appends noted (handleBookingCommand), from the store's signals. */
export const rememberNotedBookings = (store: EventStore, now: () => number, size = 2_000): RecentBookings | undefined => {
  if (!store.onAppended) return undefined;
  const recent: RecentStreams<{ state: Booking; at: number }> = createRecentStreams(size);
  const stop = store.onAppended((streamId, version, note) => {
    const state = notedBooking(note);
    if (state && version !== undefined) recent.set(streamId, version, { state, at: now() });
  });
  return {
    forDelivery: (bookingId, delivery) => {
      const known = recent.get(bookingStreamId(bookingId));
      if (!known || now() - known.value.at > OFFERED_FOR_MS) return undefined;
      const { state } = known.value;
      if (state.status === 'none' || state.uid !== delivery.uid || needsHostAcceptanceLookup(state, delivery)) return undefined;
      return { state, version: known.version };
    },
    stop,
  };
};

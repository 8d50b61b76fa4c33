import type { Booking } from '../domain';
import { loadBooking } from './bookingRepository';
import type { EventStore } from './ports/eventStore';

/**
 * Polls the booking's stream until `done(state)` or the deadline; returns the last state seen.
 * Polling the stream (not a local signal) also sees webhooks that reached another instance.
 */
export const waitForBooking = async (
  store: EventStore,
  bookingId: string,
  done: (state: Booking) => boolean,
  timeoutMs: number,
  pollMs = 50,
): Promise<Booking> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await loadBooking(store, bookingId);
    if (done(state) || Date.now() >= deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
};

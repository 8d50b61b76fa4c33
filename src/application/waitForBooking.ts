import { bookingStreamId, type Booking } from '../domain';
import { loadBooking } from './bookingRepository';
import type { EventStore } from './ports/eventStore';

/** How a wait ended: its state was done when read, an append to its stream woke it, the slow poll, or the deadline. */
export type WokenBy = 'at_once' | 'append' | 'poll' | 'deadline';

export interface WaitOptions {
  /** Re-read at least this often (default 50 ms without append signals, 1000 ms with them). */
  pollMs?: number;
  /** Told how the wait ended (for logs and tests). */
  onDone?: (wokenBy: WokenBy) => void;
}

/**
 * Reads the booking until `done(state)` or the deadline; returns the last state seen. With a store that
 * signals appends (`onAppended`: this process's, and on PostgreSQL every instance's through NOTIFY) the
 * wait is woken by the append that settles it and only polls slowly, for a signal that was lost.
 */
export const waitForBooking = async (
  store: EventStore,
  bookingId: string,
  done: (state: Booking) => boolean,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<Booking> => {
  const deadline = Date.now() + timeoutMs;
  const streamId = bookingStreamId(bookingId);
  const pollMs = options.pollMs ?? (store.onAppended ? 1000 : 50);
  let appendSeen = false;
  let wake: (() => void) | undefined;
  // Listen before the first read: an append between the read and the wait is not missed.
  const stop = store.onAppended?.((id) => {
    if (id !== streamId) return;
    appendSeen = true;
    wake?.();
  });
  let wokenBy: WokenBy = 'at_once';
  try {
    for (;;) {
      appendSeen = false;
      const { state } = await loadBooking(store, bookingId);
      if (done(state)) return state;
      if (Date.now() >= deadline) {
        wokenBy = 'deadline';
        return state;
      }
      if (appendSeen) {
        wokenBy = 'append';
        continue; // appended while reading: read again at once
      }
      wokenBy = await new Promise<WokenBy>((resolve) => {
        const left = deadline - Date.now();
        const timer = setTimeout(() => resolve(left <= pollMs ? 'deadline' : 'poll'), Math.max(0, Math.min(pollMs, left)));
        wake = () => {
          clearTimeout(timer);
          resolve('append');
        };
      });
      wake = undefined;
    }
  } finally {
    stop?.();
    options.onDone?.(wokenBy);
  }
};

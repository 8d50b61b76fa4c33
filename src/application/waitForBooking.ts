import { bookingStreamId, type Booking } from '../domain';
import { loadBooking, notedBooking, type KnownBooking } from './bookingRepository';
import type { EventStore } from './ports/eventStore';

/** How a wait ended: its state was done when read, an append to its stream woke it, the slow poll, or the deadline. */
export type WokenBy = 'at_once' | 'append' | 'poll' | 'deadline';

export interface WaitOptions {
  /** Re-read at least this often (default 50 ms without append signals, 1000 ms with them). */
  pollMs?: number;
  /** Told how the wait ended (for logs and tests). */
  onDone?: (wokenBy: WokenBy) => void;
  /**
   * Work done once the wait listens (recording the request, posting to Cal.com), answering the state it
   * left the booking in: the wait starts from that state instead of reading the stream, and reads only
   * once an append after it is signalled (or the slow poll comes). Undefined: read first.
   */
  after?: () => Promise<KnownBooking | undefined>;
}

/**
 * Reads the booking until `done(state)` or the deadline; returns the last state seen. With a store that
 * signals appends (`onAppended`: this process's, and on PostgreSQL every instance's through NOTIFY) the
 * wait is woken by the append that settles it and only polls slowly, for a signal that was lost. A
 * signal that names the stream's version is compared with the version seen: nothing newer, no read.
 * One that carries the state its append left (this process's handleBookingCommand notes it) for the
 * newest version signalled is taken as read: a webhook settled on this instance is not read back.
 */
export const waitForBooking = async (
  store: EventStore,
  bookingId: string,
  done: (state: Booking) => boolean,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<Booking> => {
  const streamId = bookingStreamId(bookingId);
  const pollMs = options.pollMs ?? (store.onAppended ? 1000 : 50);
  let newestSignalled = 0;
  let unversionedSignal = false;
  let noted: KnownBooking | undefined;
  let wake: (() => void) | undefined;
  // Listen before anything is read or written: an append between the two is not missed.
  const stop = store.onAppended?.((id, version, note) => {
    if (id !== streamId) return;
    if (version === undefined) unversionedSignal = true;
    else newestSignalled = Math.max(newestSignalled, version);
    const state = notedBooking(note);
    if (state && version !== undefined && version === newestSignalled) noted = { state, version };
    wake?.();
  });
  const newerThan = (seen: KnownBooking) => unversionedSignal || newestSignalled > seen.version;
  /** The newest state signalled, without a read where its append noted it. */
  const readNewest = async (): Promise<KnownBooking> => {
    if (!unversionedSignal && noted?.version === newestSignalled) return noted;
    unversionedSignal = false;
    return loadBooking(store, bookingId);
  };
  let wokenBy: WokenBy = 'at_once';
  try {
    let current = await options.after?.();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!current) {
        unversionedSignal = false;
        current = await loadBooking(store, bookingId);
      } else if (newerThan(current)) current = await readNewest();
      if (done(current.state)) return current.state;
      if (Date.now() >= deadline) {
        wokenBy = 'deadline';
        return current.state;
      }
      if (newerThan(current)) {
        wokenBy = 'append';
        continue; // appended since it was read or written: read again at once
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
      // The slow poll and the deadline read again: a signal may have been lost.
      if (wokenBy !== 'append') current = undefined;
    }
  } finally {
    stop?.();
    options.onDone?.(wokenBy);
  }
};

import type { Booking } from './booking';
import type { BookingCommand } from './commands';
import type { BookingEvent } from './events';
import { factsOf } from './facts';

type RecordCalcomSearch = Extract<BookingCommand, { type: 'RecordCalcomSearch' }>['data'];

/**
 * What a search of Cal.com for this booking means. The create's failure (if any) is recorded first, as
 * the fact it is, then what the search found. A booking carrying our booking_ref whose uid this booking
 * holds is ours: accepted, waiting for its webhook. None after a 409 conflict: the slot went to someone
 * else. None after a 5xx: still unknown (the booking stays failed; the resumer or reconciler goes on).
 */
export const decideSearch = ({ purpose, failure, search, uidOwner, now }: RecordCalcomSearch, state: Booking): BookingEvent[] => {
  if (state.status === 'none') return [];
  if (purpose === 'unknown_outcome' && state.calcomAnswered) return [];
  if (purpose === 'resume' && state.calcomAnswered) return [];
  const facts = factsOf(state, now);
  const events: BookingEvent[] = failure ? [{ type: 'CalcomRequestFailed', data: { ...facts, ...failure } }] : [];
  const found = search.outcome === 'found' ? { uid: search.uid, calcomBookingId: search.calcomBookingId, calcomStatus: search.status } : {};
  events.push({ type: 'CalcomBookingSearched', data: { ...facts, purpose, outcome: search.outcome, ...found } });
  if (search.outcome === 'found' && uidOwner === state.bookingId) {
    events.push({ type: 'CalcomBookingAccepted', data: { ...facts, uid: search.uid, calcomBookingId: search.calcomBookingId, status: search.status } });
  } else if (search.outcome === 'none' && failure?.httpStatus === 409) {
    events.push({ type: 'SlotUnavailable', data: { ...facts, httpStatus: 409, message: failure.message } });
  }
  return events;
};

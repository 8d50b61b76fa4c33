import type { Booking } from './booking';
import { BookingRuleViolation, type BookingCommand, type ReconcileLookup } from './commands';
import type { BookingEvent } from './events';
import { factsOf } from './facts';

type Command<T extends BookingCommand['type']> = Extract<BookingCommand, { type: T }>['data'];

/** Cal.com cancelled it at the caller's request (its cancel answered 200). */
export const recordAgentCancellation = (c: Command<'RecordAgentCancellation'>, state: Booking): BookingEvent[] => {
  if (state.status === 'cancelled') return [];
  if (!state.uid) throw new BookingRuleViolation('Only a booking Cal.com accepted can be cancelled');
  return [{ type: 'BookingCancelled', data: { ...factsOf(state, c.now), uid: state.uid, source: 'agent', reason: c.reason } }];
};

const foundCancelled = (lookup: ReconcileLookup): boolean => lookup.outcome === 'found' && lookup.calcomStatus === 'cancelled';

/**
 * Cal.com's cancel did not answer 200 (an already cancelled booking makes it throw, which API v2 answers
 * 500), so we asked what it holds: the lookup is recorded, and a booking Cal.com holds as cancelled is
 * cancelled (`source: 'lookup'`: by our earlier request, or by the host). Anything else changes nothing.
 */
export const recordCancelLookup = ({ lookup, reason, now }: Command<'RecordCancelLookup'>, state: Booking): BookingEvent[] => {
  if (state.status === 'cancelled' || !state.uid) return [];
  const facts = factsOf(state, now);
  const found = lookup.outcome === 'found' ? { calcomStatus: lookup.calcomStatus, metadataCallId: lookup.metadataCallId } : {};
  const looked: BookingEvent = { type: 'CalcomBookingLookedUp', data: { ...facts, uid: state.uid, outcome: lookup.outcome, ...found, purpose: 'cancel' } };
  if (!foundCancelled(lookup)) return [looked];
  return [looked, { type: 'BookingCancelled', data: { ...facts, uid: state.uid, source: 'lookup', reason } }];
};

import { hasEnded, type Booking } from './booking';
import { BookingRuleViolation, type BookingCommand, type ReconcileLookup } from './commands';
import type { BookingEvent } from './events';
import { factsOf, lookedUp } from './facts';

type Command<T extends BookingCommand['type']> = Extract<BookingCommand, { type: T }>['data'];

/**
 * Where Cal.com holds the booking now, when we know it: a move Cal.com accepted (our claim on its new uid
 * is held; its webhook is still to come, or was given up on: unproven) lives at the new uid, the old one
 * being CANCELLED by the move. Unknown while a move is not answered or its answer was lost.
 */
const whereItLives = (state: Booking): string | undefined => {
  if (state.move) return state.move.stage === 'accepted' ? state.move.newUid : undefined;
  return state.lastMove?.outcome === 'unproven' ? state.lastMove.newUid : state.uid;
};

/** The uid a cancel acts on: where the booking lives, else (where that is unknown) the booking's own uid. */
export const cancellableUid = (state: Booking): string | undefined => whereItLives(state) ?? state.uid;

/** Cal.com cancelled it at the caller's request (its cancel of `cancellableUid` answered 200). */
export const recordAgentCancellation = (c: Command<'RecordAgentCancellation'>, state: Booking): BookingEvent[] => {
  if (hasEnded(state)) return []; // cancelled already, or rejected: the first of the two stays
  // Cal.com's 200 is about the uid it was asked to cancel, even if a move's answer was recorded since.
  const uid = c.uid ?? cancellableUid(state);
  if (!uid || !state.uid) throw new BookingRuleViolation('Only a booking Cal.com accepted can be cancelled');
  return [{ type: 'BookingCancelled', data: { ...factsOf(state, c.now), uid, source: 'agent', reason: c.reason } }];
};

/**
 * Cal.com holds the uid cancelled, and not because it moved the booking: a reschedule marks the old uid
 * CANCELLED while the booking lives on at the new one (the lookup says where, `rescheduledToUid`), and a
 * move of ours whose new uid we do not know (not answered, its answer lost) means the same may have
 * happened without the lookup knowing. A move Cal.com accepted was looked up at its new uid: that one cancelled is.
 */
const cancelledForGood = (lookup: ReconcileLookup, lookedUpUid: string, state: Booking): boolean =>
  lookup.outcome === 'found' &&
  lookup.calcomStatus === 'cancelled' &&
  lookup.rescheduledToUid === undefined &&
  // Not while that is unknown, nor when a move's answer recorded since the lookup was asked for moved it elsewhere.
  lookedUpUid === whereItLives(state);

/**
 * Cal.com's cancel did not answer 200 (a second cancel of a cancelled booking is refused: 400 "This
 * booking has already been cancelled."), so we asked what it holds at `cancellableUid`: the lookup is recorded, and a booking
 * Cal.com holds as cancelled for good is cancelled (`source: 'lookup'`: by our earlier request, or by the
 * host). Anything else changes nothing.
 */
export const recordCancelLookup = ({ uid: asked, lookup, reason, now }: Command<'RecordCancelLookup'>, state: Booking): BookingEvent[] => {
  const uid = asked ?? cancellableUid(state);
  if (hasEnded(state) || !uid || !state.uid) return [];
  const looked = lookedUp(state, now, uid, lookup, 'cancel');
  if (!cancelledForGood(lookup, uid, state)) return [looked];
  return [looked, { type: 'BookingCancelled', data: { ...factsOf(state, now), uid, source: 'lookup', reason } }];
};

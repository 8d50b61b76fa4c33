import { hasEnded, type Booking } from './booking';
import type { BookingCommand } from './commands';
import { movedBookingGaps } from './decideMove';
import type { BookingEvent } from './events';
import { factsOf } from './facts';

type Command<T extends BookingCommand['type']> = Extract<BookingCommand, { type: T }>['data'];

/**
 * A move of ours whose new uid we do not know, so nobody knows where Cal.com holds the booking: not
 * answered yet, its answer lost, or given up on (unproven) without one. The booking's own uid is the
 * one the move left, unchanged until a webhook proves the move.
 */
export const moveToLocate = (state: Booking): { moveId: string; fromUid: string; toSlotStart: string } | undefined => {
  if (hasEnded(state)) return undefined;
  if (state.move) return state.move.stage === 'accepted' ? undefined : state.move;
  const last = state.lastMove;
  if (last?.outcome !== 'unproven' || last.newUid || !last.moveId || !state.uid) return undefined;
  return { moveId: last.moveId, fromUid: state.uid, toSlotStart: last.toSlotStart };
};

/**
 * What Cal.com holds at the uid the old one was rescheduled to: if it is this booking moved (rescheduled
 * from the old uid, our booking_ref, the move's time, its claim ours), that is where the booking lives now.
 * Anything else changes nothing: the lookup of the old uid is already recorded.
 */
export const recordMoveLocation = ({ moveId, booking, uidOwner, purpose, now }: Command<'RecordMoveLocation'>, state: Booking): BookingEvent[] => {
  const move = moveToLocate(state);
  if (move?.moveId !== moveId || movedBookingGaps(move, state.bookingId, booking, uidOwner).length > 0) return [];
  const { uid, calcomBookingId, status } = booking;
  return [{ type: 'CalcomMoveLocated', data: { ...factsOf(state, now), moveId, uid, fromUid: move.fromUid, calcomBookingId, status, purpose } }];
};

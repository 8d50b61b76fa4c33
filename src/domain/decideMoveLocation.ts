import { hasEnded, STANDING_IN_CALCOM, type Booking } from './booking';
import type { BookingCommand, MovedBooking } from './commands';
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
 * Why what Cal.com holds at the old uid's `rescheduledToUid` is not where this booking lives now (empty:
 * it is). Stricter than a move's answer (movedBookingGaps, which checks a `rescheduledFromUid` only when
 * there is one): it must name the old uid it was rescheduled from, stand in Cal.com, and be none of the
 * uids the booking left, so an odd or hostile lookup cannot send a cancel back to one.
 */
export const locationGaps = (state: Booking, move: { fromUid: string; toSlotStart: string }, booking: MovedBooking & { status: string }, uidOwner: string | undefined): string[] => [
  ...movedBookingGaps(move, state.bookingId, booking, uidOwner),
  ...(booking.rescheduledFromUid === undefined ? ['not_rescheduled_from_this_booking'] : []),
  ...(STANDING_IN_CALCOM.includes(booking.status) ? [] : ['not_standing']),
  ...((state.formerUids ?? []).includes(booking.uid) ? ['former_uid'] : []),
];

/**
 * What Cal.com holds at the uid the old one was rescheduled to: if it is this booking moved (locationGaps
 * empty), that is where the booking lives now. Anything else changes nothing: the lookup of the old uid
 * is already recorded.
 */
export const recordMoveLocation = ({ moveId, booking, uidOwner, purpose, now }: Command<'RecordMoveLocation'>, state: Booking): BookingEvent[] => {
  const move = moveToLocate(state);
  if (move?.moveId !== moveId || locationGaps(state, move, booking, uidOwner).length > 0) return [];
  const { uid, calcomBookingId, status } = booking;
  return [{ type: 'CalcomMoveLocated', data: { ...factsOf(state, now), moveId, uid, fromUid: move.fromUid, calcomBookingId, status, purpose } }];
};

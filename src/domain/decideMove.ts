import type { Booking } from './booking';
import { BookingRuleViolation, type BookingCommand, type MovedBooking } from './commands';
import type { BookingEvent } from './events';
import { factsOf } from './facts';
import { moveFailureReason } from './moveRefusal';

type Command<T extends BookingCommand['type']> = Extract<BookingCommand, { type: T }>['data'];

/** Only a booking Cal.com holds for the caller can be moved: proven, or waiting for the host. */
export const MOVABLE: readonly string[] = ['confirmed', 'awaiting_host'];

/** A retried delivery of the same request joins it; a booking already at the new time needs no move. */
export const requestMove = ({ moveId, byCallId, toSlotStart, now }: Command<'RequestMove'>, state: Booking): BookingEvent[] => {
  if (state.move?.moveId === moveId || state.lastMove?.moveId === moveId) return [];
  if (state.move) return []; // another move is under way: it settles first
  if (!state.uid || !state.slotStart || !MOVABLE.includes(state.status)) throw new BookingRuleViolation('Only a booking Cal.com holds (confirmed or awaiting the host) can be moved');
  if (Date.parse(state.slotStart) === Date.parse(toSlotStart)) return [];
  return [{ type: 'BookingMoveRequested', data: { ...factsOf(state, now), moveId, byCallId, fromUid: state.uid, fromSlotStart: state.slotStart, toSlotStart } }];
};

/** Why `answer` is not this booking (`bookingId`) moved from `fromUid` to `toSlotStart` (empty: it is). */
export const movedBookingGaps = (move: { fromUid: string; toSlotStart: string }, bookingId: string | undefined, answer: MovedBooking, uidOwner: string | undefined): string[] => {
  const gaps: string[] = [];
  // Cal.com's reschedule can answer an existing booking of the same attendee and time instead (no move made).
  if (answer.uid === move.fromUid || (answer.rescheduledFromUid !== undefined && answer.rescheduledFromUid !== move.fromUid)) gaps.push('not_rescheduled_from_this_booking');
  if (answer.metadata.booking_ref !== bookingId) gaps.push('metadata_booking_ref_mismatch');
  if (Date.parse(answer.start) !== Date.parse(move.toSlotStart)) gaps.push('slot_mismatch');
  if (uidOwner !== bookingId) gaps.push('uid_already_claimed');
  return gaps;
};

/** Why Cal.com's answer is not this booking moved to the new time (empty: it is). */
export const moveAnswerGaps = (state: Booking, answer: MovedBooking, uidOwner: string | undefined): string[] =>
  movedBookingGaps(state.move!, state.bookingId, answer, uidOwner);

export const recordMoveAnswer = ({ moveId, answer, uidOwner, now }: Command<'RecordMoveAnswer'>, state: Booking): BookingEvent[] => {
  if (state.move?.moveId !== moveId || state.move.stage !== 'requested') return []; // recorded, or a webhook settled it first
  const facts = { ...factsOf(state, now), moveId };
  const gaps = moveAnswerGaps(state, answer, uidOwner);
  if (gaps.length > 0) {
    const message = `Cal.com answered with uid ${answer.uid}, which is not this booking moved`;
    return [{ type: 'BookingMoveFailed', data: { ...facts, reason: 'not_moved', httpStatus: answer.httpStatus, message, answerReasons: gaps, via: 'answer' } }];
  }
  const { uid, calcomBookingId, status, httpStatus, latencyMs } = answer;
  return [{ type: 'CalcomMoveAccepted', data: { ...facts, uid, fromUid: state.move.fromUid, calcomBookingId, status, httpStatus, latencyMs } }];
};

export const recordMoveFailure = ({ moveId, reason, httpStatus, message, latencyMs, now }: Command<'RecordMoveFailure'>, state: Booking): BookingEvent[] => {
  if (state.move?.moveId !== moveId || state.move.stage !== 'requested') return [];
  const facts = { ...factsOf(state, now), moveId };
  if (reason === 'timeout' || reason === 'server_error') return [{ type: 'CalcomMoveOutcomeUnknown', data: { ...facts, reason, httpStatus, message, latencyMs } }];
  return [{ type: 'BookingMoveFailed', data: { ...facts, reason: moveFailureReason(reason, httpStatus, message), httpStatus, message, via: 'answer' } }];
};

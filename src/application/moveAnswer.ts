import type { Booking } from '../domain';
import type { AgentAnswer, Alternatives } from './agentAnswer';
import { localParts } from './localTime';
import { messages, type Language } from './messages';

/** A move under way: Cal.com has not answered, has moved it without a webhook yet, or its answer was lost. */
export const movingAnswer = (state: Booking, timeZone: string, language: Language): AgentAnswer => {
  const move = state.move!;
  const to = localParts(move.toSlotStart, timeZone);
  const say = messages[language];
  const message = move.stage === 'unknown' ? say.moveUnknown(to) : say.movePending(to);
  return { success: move.stage !== 'unknown', status: 'pending', message, booking_id: state.bookingId, booking_status: state.status, appointment: to };
};

/**
 * A move Cal.com did not make (`lastMove.outcome` failed): the booking still stands at its old time.
 * The appointment in the answer is the one that stands; a taken slot comes with alternatives.
 */
export const failedMoveAnswer = (state: Booking, timeZone: string, alternatives: Alternatives, language: Language): AgentAnswer => {
  const last = state.lastMove!;
  const say = messages[language];
  const from = localParts(state.slotStart!, timeZone);
  const to = localParts(last.toSlotStart, timeZone);
  const base = { success: false, booking_id: state.bookingId, booking_status: state.status, appointment: from };
  switch (last.reason) {
    case 'slot_unavailable':
      return { ...base, status: 'slot_unavailable', message: say.moveSlotUnavailable(to, from, alternatives), alternatives };
    case 'too_late':
      return { ...base, status: 'error', message: say.moveTooLate(from), retryable: false };
    case 'not_reschedulable':
      return { ...base, status: 'error', message: say.notMovable(from), retryable: false };
    case 'unauthorized':
      return { ...base, status: 'error', message: say.misconfigured(), retryable: false };
    default:
      return { ...base, status: 'error', message: say.moveFailed(from), retryable: true };
  }
};

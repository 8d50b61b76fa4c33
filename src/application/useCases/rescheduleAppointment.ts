import { MOVABLE, hasEnded, moveAnswerGaps, moveIdFor, type Booking } from '../../domain';
import { answerFor, type AgentAnswer } from '../agentAnswer';
import { handleBookingCommand, type KnownBooking } from '../bookingRepository';
import { calcomAnswerOf } from '../calcomAnswer';
import type { Causation } from '../eventEnvelope';
import { messages } from '../messages';
import { reportRefusedApiKey } from '../refusedApiKey';
import { failedMoveAnswer } from '../moveAnswer';
import { localParts } from '../localTime';
import { claimCalcomUid, readUidOwner } from '../uidClaims';
import { waitForBooking } from '../waitForBooking';
import type { RequestContext, UseCaseDeps } from './deps';
import { findAlternatives } from './findAlternatives';
import { findCallerBooking, notOneAnswer, type BookingLookupInput } from './findCallerBooking';

export interface RescheduleAppointmentInput extends BookingLookupInput {
  /** The new time (UTC). */
  newSlotStartUtc: string;
}

/** The move has an outcome the caller can be told: settled, proven at the new time, or its answer was lost. */
const moveSettled = (moveId: string) => (state: Booking): boolean =>
  state.move?.moveId !== moveId ? true : state.move.stage === 'unknown';

/**
 * Move the caller's booking on Cal.com (POST /v2/bookings/{uid}/reschedule), once per function call:
 * retries join the same move. The new uid is claimed only when Cal.com's answer is this booking moved;
 * the caller hears "moved" only once the BOOKING_RESCHEDULED webhook proves it, and a move Cal.com
 * refused leaves the booking where it was (a taken time comes with alternatives).
 */
export const rescheduleAppointment = async (deps: UseCaseDeps, ctx: RequestContext, input: RescheduleAppointmentInput): Promise<AgentAnswer> => {
  const language = input.language ?? deps.settings.defaultLanguage;
  const { timeZone, confirmationWaitMs } = deps.settings;
  const found = await findCallerBooking(deps, ctx, input, language);
  if (found.found !== 'one') return notOneAnswer(deps, found, language);
  const { bookingId, state } = found;
  const moveId = moveIdFor(ctx.callId, bookingId, input.newSlotStartUtc);
  const joining = state.move?.moveId === moveId || state.lastMove?.moveId === moveId;
  // Ended (even with a move of ours left open when it ended): nothing to move, and no wait.
  if (!joining && hasEnded(state)) return answerFor(state, timeZone, [], language);
  if (!joining && !state.move && (!state.uid || !MOVABLE.includes(state.status))) {
    if (state.status === 'reschedule_requested') return answerFor(state, timeZone, [], language);
    return { success: false, status: 'error', message: messages[language].notMovable(localParts(state.slotStart!, timeZone)), booking_id: bookingId, booking_status: state.status, retryable: false };
  }
  const causation = { correlationId: ctx.requestId, causationId: ctx.requestId };
  const toSlotStart = new Date(input.newSlotStartUtc).toISOString();
  /** Requests the move and, for the first delivery, posts it; the wait starts from the state that left (a join's read was made once the wait listened). */
  const requestAndPost = async (): Promise<KnownBooking> => {
    const requested = await handleBookingCommand(
      deps.store,
      bookingId,
      { type: 'RequestMove', data: { moveId, byCallId: ctx.callId, toSlotStart, now: deps.now().toISOString() } },
      causation,
    );
    if (requested.appended.length > 0) return postMove(deps, bookingId, requested, input.reason, causation);
    deps.telemetry.log('info', 'Repeated reschedule_appointment joined the move', { bookingId, callId: ctx.callId });
    return requested;
  };

  const after = await waitForBooking(deps.store, bookingId, moveSettled(moveId), confirmationWaitMs, {
    pollMs: deps.settings.confirmationPollMs,
    after: requestAndPost,
  });
  const answer =
    after.lastMove?.moveId === moveId && after.lastMove.outcome === 'failed'
      ? failedMoveAnswer(after, timeZone, after.lastMove.reason === 'slot_unavailable' ? await findAlternatives(deps, toSlotStart, after.eventTypeId) : [], language)
      : answerFor(after, timeZone, [], language);
  deps.telemetry.moveAnswered(answer.status);
  deps.telemetry.log('info', 'reschedule_appointment answered', { bookingId, callId: ctx.callId, status: answer.status, bookingStatus: after.status });
  return answer;
};

/** The one reschedule POST of a move, and the fact it produced; answers the state it left (`known`: the move just requested). */
const postMove = async (deps: UseCaseDeps, bookingId: string, known: KnownBooking, reason: string | undefined, causation: Causation): Promise<KnownBooking> => {
  const { state } = known;
  const move = state.move!;
  const result = await deps.calcom.rescheduleBooking({
    uid: move.fromUid,
    start: move.toSlotStart,
    eventTypeId: state.eventTypeId ?? deps.settings.eventTypeId,
    reason: reason ?? 'Moved by the caller through the voice agent',
  });
  const now = deps.now().toISOString();
  if (result.outcome === 'answered') {
    const { booking } = result;
    const answer = {
      ...calcomAnswerOf(result.httpStatus, booking, result.latencyMs),
      ...(booking.rescheduledFromUid && { rescheduledFromUid: booking.rescheduledFromUid }),
    };
    // Claim the new uid only for an answer that is this booking moved; otherwise only read who owns it.
    const looksMoved = moveAnswerGaps(state, answer, bookingId).length === 0;
    const uidOwner = looksMoved && state.callId
      ? await claimCalcomUid(deps.store, { uid: answer.uid, bookingId, callId: state.callId, now }, causation)
      : await readUidOwner(deps.store, answer.uid);
    return handleBookingCommand(deps.store, bookingId, { type: 'RecordMoveAnswer', data: { moveId: move.moveId, answer, uidOwner, now } }, causation, { known });
  }
  const failure = { reason: result.outcome === 'rejected' ? 'rejected' : result.reason, httpStatus: result.httpStatus, message: result.message, latencyMs: result.latencyMs } as const;
  deps.telemetry.log('warn', 'Cal.com did not move the booking', { bookingId, callId: state.callId, reason: failure.reason, httpStatus: failure.httpStatus });
  const recorded = await handleBookingCommand(deps.store, bookingId, { type: 'RecordMoveFailure', data: { moveId: move.moveId, ...failure, now } }, causation, { known });
  // The decider read the refusal (moveRefusal.ts); a refused key is a configuration alert.
  if (recorded.appended.some((e) => e.type === 'BookingMoveFailed' && e.data.reason === 'unauthorized')) reportRefusedApiKey(deps.telemetry, { bookingId });
  return recorded;
};

import { cancellableUid, hasEnded } from '../../domain';
import { answerFor, type AgentAnswer } from '../agentAnswer';
import { loadBooking } from '../bookingRepository';
import { locateLostMove } from '../locateLostMove';
import { messages } from '../messages';
import { cancelAtCalcom } from './cancelAtCalcom';
import type { RequestContext, UseCaseDeps } from './deps';
import { findCallerBooking, notOneAnswer, type BookingLookupInput } from './findCallerBooking';

/**
 * Cancel on Cal.com first, where it holds the booking now (a move it accepted: at the new uid); record the
 * cancellation only once Cal.com has done it. When a move's answer was lost, the booking's own uid is found
 * rescheduled elsewhere: that booking, if it is this one moved, is located and cancelled instead.
 */
export const cancelAppointment = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): Promise<AgentAnswer> => {
  const asked = input.language ?? deps.settings.defaultLanguage;
  const found = await findCallerBooking(deps, ctx, input, asked);
  if (found.found !== 'one') return notOneAnswer(deps, found, asked);
  const { bookingId, state } = found;
  const language = input.language ?? state.language;
  const say = messages[language];
  if (hasEnded(state)) return { ...answerFor(state, deps.settings.timeZone, [], language), success: true };
  const uid = cancellableUid(state);
  if (!uid) return { ...answerFor(state, deps.settings.timeZone, [], language), success: false, message: say.notCancellable() };

  const causation = { correlationId: ctx.requestId, causationId: ctx.requestId };
  let attempt = await cancelAtCalcom(deps, bookingId, uid, input.reason, causation);
  if (attempt.outcome === 'not_cancelled') {
    // Where it lives may be known by now: located through the old uid, or told meanwhile (the move's answer, its webhook, another delivery's cancel).
    const after = (await locateLostMove(deps, bookingId, attempt.state, attempt.lookup, 'cancel', causation)) ?? (await loadBooking(deps.store, bookingId)).state;
    if (hasEnded(after)) return { ...answerFor(after, deps.settings.timeZone, [], language), success: true };
    const movedTo = cancellableUid(after);
    if (movedTo && movedTo !== uid) attempt = await cancelAtCalcom(deps, bookingId, movedTo, input.reason, causation);
  }
  switch (attempt.outcome) {
    case 'cancelled': // the cancellation the caller asked for happened: a success
      return { ...answerFor(attempt.state, deps.settings.timeZone, [], language), success: true };
    case 'misconfigured':
      return { success: false, status: 'error', message: say.misconfigured(), booking_id: bookingId, booking_status: state.status, retryable: false };
    case 'refused':
      deps.telemetry.log('warn', 'Cal.com did not cancel', { bookingId, callId: ctx.callId, outcome: 'unreachable', reason: attempt.reason });
      return { success: false, status: 'error', message: say.cancelFailed(), booking_id: bookingId, booking_status: state.status, retryable: true };
    case 'not_cancelled':
      deps.telemetry.log('warn', 'Cal.com did not cancel', { bookingId, callId: ctx.callId, ...attempt.calcom, lookup: attempt.lookup.outcome });
      return { success: false, status: 'error', message: say.cancelFailed(), booking_id: bookingId, booking_status: attempt.state.status, retryable: true };
  }
};

import { cancellableUid, hasEnded } from '../../domain';
import { answerFor, type AgentAnswer } from '../agentAnswer';
import { handleBookingCommand } from '../bookingRepository';
import { lookUpCalcomBooking } from '../calcomLookup';
import { messages } from '../messages';
import { reportRefusedApiKey } from '../refusedApiKey';
import type { RequestContext, UseCaseDeps } from './deps';
import { findCallerBooking, notOneAnswer, type BookingLookupInput } from './findCallerBooking';

/** Cancel on Cal.com first (where it holds the booking now: a move it accepted, at the new uid); record the cancellation only once Cal.com has done it. */
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

  const result = await deps.calcom.cancelBooking(uid, input.reason ?? 'Cancelled by the caller through the voice agent');
  if (result.outcome === 'rejected' && (result.httpStatus === 401 || result.httpStatus === 403)) {
    reportRefusedApiKey(deps.telemetry, { bookingId });
    return { success: false, status: 'error', message: say.misconfigured(), booking_id: bookingId, booking_status: state.status, retryable: false };
  }
  if (result.outcome === 'unreachable' && (result.reason === 'rate_limited' || result.reason === 'circuit_open')) {
    // Refused before Cal.com did anything (its 429, our request budget, the open circuit): a lookup would meet the same refusal.
    deps.telemetry.log('warn', 'Cal.com did not cancel', { bookingId, callId: ctx.callId, outcome: result.outcome, reason: result.reason });
    return { success: false, status: 'error', message: say.cancelFailed(), booking_id: bookingId, booking_status: state.status, retryable: true };
  }
  const causation = { correlationId: ctx.requestId, causationId: ctx.requestId };
  if (result.outcome !== 'cancelled') {
    // It may be cancelled already (an earlier delivery of this call, the host): Cal.com then refuses
    // (400 "This booking has already been cancelled."). What Cal.com holds decides; the lookup is recorded either way.
    const lookup = await lookUpCalcomBooking(deps.calcom, uid);
    const looked = await handleBookingCommand(deps.store, bookingId, { type: 'RecordCancelLookup', data: { uid, lookup, reason: input.reason, now: deps.now().toISOString() } }, causation);
    if (looked.state.status === 'cancelled') return { ...answerFor(looked.state, deps.settings.timeZone, [], language), success: true };
    deps.telemetry.log('warn', 'Cal.com did not cancel', { bookingId, callId: ctx.callId, outcome: result.outcome, httpStatus: result.httpStatus, lookup: lookup.outcome });
    return { success: false, status: 'error', message: say.cancelFailed(), booking_id: bookingId, booking_status: looked.state.status, retryable: true };
  }
  const { state: after } = await handleBookingCommand(deps.store, bookingId, { type: 'RecordAgentCancellation', data: { uid, reason: input.reason, now: deps.now().toISOString() } }, causation);
  // The cancellation the caller asked for happened: a success.
  return { ...answerFor(after, deps.settings.timeZone, [], language), success: true };
};

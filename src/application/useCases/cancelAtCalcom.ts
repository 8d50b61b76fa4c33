import type { Booking, ReconcileLookup } from '../../domain';
import { handleBookingCommand } from '../bookingRepository';
import { lookUpCalcomBooking } from '../calcomLookup';
import type { Causation } from '../eventEnvelope';
import { reportRefusedApiKey } from '../refusedApiKey';
import type { UseCaseDeps } from './deps';

/** How one cancel at one uid went: cancelled (and recorded), refused before Cal.com did anything, or not cancelled there (its lookup recorded). */
export type CancelAttempt =
  | { outcome: 'cancelled'; state: Booking }
  | { outcome: 'misconfigured' }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'not_cancelled'; state: Booking; lookup: ReconcileLookup; calcom: { outcome: string; httpStatus?: number } };

/** Cancel `uid` on Cal.com; record the cancellation only once Cal.com has done it or holds it cancelled for good. */
export const cancelAtCalcom = async (deps: UseCaseDeps, bookingId: string, uid: string, reason: string | undefined, causation: Causation): Promise<CancelAttempt> => {
  const result = await deps.calcom.cancelBooking(uid, reason ?? 'Cancelled by the caller through the voice agent');
  if (result.outcome === 'rejected' && (result.httpStatus === 401 || result.httpStatus === 403)) {
    reportRefusedApiKey(deps.telemetry, { bookingId });
    return { outcome: 'misconfigured' };
  }
  // Refused before Cal.com did anything (its 429, our request budget, the open circuit): a lookup would meet the same refusal.
  if (result.outcome === 'unreachable' && (result.reason === 'rate_limited' || result.reason === 'circuit_open')) return { outcome: 'refused', reason: result.reason };
  if (result.outcome === 'cancelled') {
    const { state } = await handleBookingCommand(deps.store, bookingId, { type: 'RecordAgentCancellation', data: { uid, reason, now: deps.now().toISOString() } }, causation);
    return { outcome: 'cancelled', state };
  }
  // It may be cancelled already (an earlier delivery of this call, the host): Cal.com then refuses
  // (400 "This booking has already been cancelled."). What Cal.com holds decides; the lookup is recorded either way.
  const lookup = await lookUpCalcomBooking(deps.calcom, uid);
  const { state } = await handleBookingCommand(deps.store, bookingId, { type: 'RecordCancelLookup', data: { uid, lookup, reason, now: deps.now().toISOString() } }, causation);
  if (state.status === 'cancelled') return { outcome: 'cancelled', state };
  return { outcome: 'not_cancelled', state, lookup, calcom: { outcome: result.outcome, httpStatus: result.httpStatus } };
};

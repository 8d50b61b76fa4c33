import { handleBookingCommand } from '../bookingRepository';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { searchCalcomFor } from '../searchCalcom';
import { claimCalcomUid } from '../uidClaims';
import type { UseCaseDeps } from './deps';
import { submitToCalcom } from './submitToCalcom';

export type ResumeOutcome = 'not_stuck' | 'found_at_calcom' | 'posted' | 'calcom_unreachable';

/**
 * A booking requested but never answered (the process died before or during its POST): take it up
 * (one resumer wins per attempt: the event is appended with the stream's version), ask Cal.com whether
 * it already holds it (a booking with our booking_ref), record what it found, and post only when it
 * holds none — once. Cal.com unreachable: nothing is posted; the next round asks again.
 */
export const resumeBooking = async (anyDeps: UseCaseDeps, bookingId: string, trigger: 'resumer' | 'retried_call'): Promise<ResumeOutcome> => {
  let deps = anyDeps;
  const now = deps.now().toISOString();
  const causation = { correlationId: `resume-${bookingId}`, causationId: `resume-${now}` };
  const started = await handleBookingCommand(deps.store, bookingId, { type: 'StartResume', data: { graceMs: deps.settings.resumeAfterMs, trigger, now } }, causation);
  if (started.appended.length === 0) return 'not_stuck';
  deps = anyDeps.forPractice?.(started.state.practiceId ?? DEFAULT_PRACTICE_ID) ?? anyDeps; // its own practice's Cal.com
  deps.telemetry.log('warn', 'Resuming a booking that has no Cal.com answer recorded', { alert: 'booking_resumed', bookingId, callId: started.state.callId, trigger });

  const { search, booking } = await searchCalcomFor(deps.calcom, started.state);
  const uidOwner = booking && started.state.callId ? await claimCalcomUid(deps.store, { uid: booking.uid, bookingId, callId: started.state.callId, now }, causation) : undefined;
  const searched = await handleBookingCommand(deps.store, bookingId, { type: 'RecordCalcomSearch', data: { purpose: 'resume', search, uidOwner, now } }, causation);
  if (search.outcome === 'found') return 'found_at_calcom';
  if (search.outcome === 'unreachable') return 'calcom_unreachable';
  await submitToCalcom(deps, bookingId, searched, causation);
  return 'posted';
};

import { callStreamId, type CallEvent } from '../../domain';
import { handleBookingCommand, loadBooking } from '../bookingRepository';
import { lookUpCalcomBooking } from '../calcomLookup';
import { callStreamAsKnown, rememberCallStream, withRetellEvent } from '../callStreamSummary';
import { toNewEvent } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { maskNumber, readRetellWebhook } from '../retellCallWebhook';
import type { UseCaseDeps } from './deps';

export type RetellWebhookOutcome =
  | { result: 'invalid'; reason: string }
  | { result: 'ignored'; event: string }
  | { result: 'recorded' | 'duplicate'; event: string; callId: string; lookedUp: string[] };

/**
 * A signed Retell call webhook: recorded once per event and call (Retell retries up to 3 times) on the
 * call's stream. When the call ended, every booking of it still without proof is looked up at Cal.com at
 * once and alerted on, rather than after the reconciliation window.
 */
export const receiveRetellWebhook = async (deps: UseCaseDeps, raw: string): Promise<RetellWebhookOutcome> => {
  const read = readRetellWebhook(raw);
  if (read.kind === 'invalid') return { result: 'invalid', reason: read.problem };
  if (read.kind === 'ignored') return { result: 'ignored', event: read.event };
  const { event, call } = read;
  const callId = call.call_id;
  const now = deps.now().toISOString();
  const causation = { correlationId: callId, causationId: `retell-${event}-${callId}` };
  const recorded: CallEvent = {
    type: 'RetellCallEventRecorded',
    data: {
      callId,
      occurredAt: now,
      event,
      ...(call.agent_id && { agentId: call.agent_id }),
      ...(call.from_number && { fromNumberMasked: maskNumber(call.from_number) }),
      ...(call.disconnection_reason && { disconnectionReason: call.disconnection_reason }),
      call,
    },
  };
  for (let attempt = 1; ; attempt += 1) {
    // The version this process knows first (an event once recorded stays recorded), then the stream read.
    const { version, summary } = await callStreamAsKnown(deps.store, deps.recentCalls, callId, { read: attempt > 1 });
    if (summary.retellEvents.has(event)) return { result: 'duplicate', event, callId, lookedUp: [] };
    try {
      await deps.store.appendToStream(callStreamId(callId), [toNewEvent(recorded, causation)], { expectedVersion: version });
      rememberCallStream(deps.recentCalls, callId, version + 1, withRetellEvent(summary, event));
      break;
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= 10) throw error;
    }
  }
  const lookedUp = event === 'call_ended' ? await lookUpUnprovenBookings(deps, callId, now, causation) : [];
  return { result: 'recorded', event, callId, lookedUp };
};

/** The call is over and these bookings are still without proof: what does Cal.com hold? Recorded, and alerted on. */
const lookUpUnprovenBookings = async (deps: UseCaseDeps, callId: string, now: string, causation: { correlationId: string; causationId: string }) => {
  const bookings = deps.lookup ? await deps.lookup.bookingsForCall(callId) : [];
  const lookedUp: string[] = [];
  for (const { bookingId } of bookings) {
    const { state } = await loadBooking(deps.store, bookingId);
    if (!['requested', 'awaiting_webhook', 'failed', 'awaiting_host'].includes(state.status)) continue;
    const lookup = await lookUpCalcomBooking((deps.forPractice?.(state.practiceId ?? DEFAULT_PRACTICE_ID) ?? deps).calcom, state.uid);
    await handleBookingCommand(deps.store, bookingId, { type: 'LookUpAtCallEnd', data: { lookup, now } }, causation);
    lookedUp.push(bookingId);
    deps.telemetry.bookingUnprovenAtCallEnd();
    deps.telemetry.log('warn', 'The call ended with a booking still not proven by Cal.com', {
      alert: 'booking_unproven_at_call_end',
      bookingId,
      callId,
      status: state.status,
      uid: state.uid,
      calcom: lookup.outcome,
      calcomStatus: lookup.outcome === 'found' ? lookup.calcomStatus : undefined,
      calcomHasOurCallId: lookup.outcome === 'found' ? lookup.metadataCallId === state.callId : undefined,
    });
  }
  return lookedUp;
};

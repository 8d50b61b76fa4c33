import { evolve, initialState, type Booking, type BookingEvent } from '../../domain';
import { isBookingEventType, toBookingEvent } from '../eventEnvelope';
import type { StoredEvent } from '../ports/eventStore';
import { agentClaimsABooking, calledBookAppointment } from './transcript';

export const findingKinds = [
  /** The caller heard "confirmed" but no confirmation was recorded by then. */
  'told_confirmed_not_confirmed',
  /** The agent said it booked (transcript) but no book_appointment ran in the call. */
  'agent_claimed_booking_without_call',
  /** The booking was confirmed while the last thing the caller heard about it was a failure. */
  'confirmed_but_told_failed',
  /** The caller heard "pending" and the booking never settled (not confirmed, cancelled or rejected). */
  'told_pending_never_settled',
] as const;
export type FindingKind = (typeof findingKinds)[number];

export interface Finding {
  kind: FindingKind;
  callId: string;
  bookingId?: string;
  /** When the caller was told (or the transcript recorded). */
  at: string;
  detail: string;
}

interface Answer {
  at: string;
  recordedAt: number;
  function: string;
  status: string;
  message: string;
  bookingId?: string;
}

const FAILED = new Set(['error', 'slot_unavailable', 'duplicate', 'invalid_input', 'not_found']);
const SETTLED = new Set(['confirmed', 'cancelled', 'rejected']);

/**
 * The truth audit: for each call, what the caller was told (CallerAnswered, and the agent's own lines in
 * call_analyzed's transcript) against what the ledger knows Cal.com holds. Pure over the events given:
 * `now` and `settleMs` decide when a "pending" has waited too long.
 */
export const auditCalls = (events: readonly StoredEvent[], options: { now: Date; settleMs: number }): Finding[] => {
  const byCall = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const callId = typeof e.metadata.callId === 'string' ? e.metadata.callId : undefined;
    if (callId) byCall.set(callId, [...(byCall.get(callId) ?? []), e]);
  }
  return [...byCall].flatMap(([callId, callEvents]) => auditCall(callId, [...callEvents].sort((a, b) => (a.position < b.position ? -1 : 1)), options));
};

const auditCall = (callId: string, events: StoredEvent[], { now, settleMs }: { now: Date; settleMs: number }): Finding[] => {
  const findings: Finding[] = [];
  const states = new Map<string, Booking>();
  const confirmedAt = new Map<string, number>();
  const answers: Answer[] = [];
  let transcript: unknown;
  let transcriptAt = '';
  for (const e of events) {
    if (isBookingEventType(e.type)) {
      let event: BookingEvent;
      try {
        event = toBookingEvent(e);
      } catch {
        continue;
      }
      states.set(event.data.bookingId, evolve(states.get(event.data.bookingId) ?? initialState(), event));
      if (event.type === 'BookingConfirmedByWebhook' && !confirmedAt.has(event.data.bookingId)) confirmedAt.set(event.data.bookingId, e.recordedAt.getTime());
    } else if (e.type === 'CallerAnswered') {
      const d = e.data as { occurredAt: string; function: string; status: string; message: string; bookingId?: string };
      answers.push({ at: d.occurredAt, recordedAt: e.recordedAt.getTime(), function: d.function, status: d.status, message: d.message, bookingId: d.bookingId });
    } else if (e.type === 'RetellCallEventRecorded' && (e.data as { event?: string }).event === 'call_analyzed') {
      transcript = (e.data as { call?: unknown }).call;
      transcriptAt = (e.data as { occurredAt: string }).occurredAt;
    }
  }

  for (const answer of answers) {
    if (answer.status !== 'confirmed' || !answer.bookingId) continue;
    const confirmed = confirmedAt.get(answer.bookingId);
    if (confirmed === undefined || confirmed > answer.recordedAt) {
      findings.push({ kind: 'told_confirmed_not_confirmed', callId, bookingId: answer.bookingId, at: answer.at, detail: `told "${answer.message}" without a recorded confirmation` });
    }
  }
  for (const [bookingId, state] of states) {
    const last = [...answers].reverse().find((a) => a.bookingId === bookingId);
    if (!last) continue;
    if (state.status === 'confirmed' && FAILED.has(last.status)) {
      findings.push({ kind: 'confirmed_but_told_failed', callId, bookingId, at: last.at, detail: `confirmed, but the caller was last told ${last.status}: "${last.message}"` });
    }
    if (last.status === 'pending' && !SETTLED.has(state.status) && now.getTime() - Date.parse(last.at) > settleMs) {
      findings.push({ kind: 'told_pending_never_settled', callId, bookingId, at: last.at, detail: `told pending; still ${state.status}` });
    }
  }
  if (transcript !== undefined && !answers.some((a) => a.function === 'book_appointment')) {
    const claim = agentClaimsABooking(transcript);
    if (claim) {
      const tool = calledBookAppointment(transcript) ? ' (the transcript shows a book_appointment tool call that never reached this service)' : '';
      findings.push({ kind: 'agent_claimed_booking_without_call', callId, at: transcriptAt, detail: `the agent said "${claim}" but no book_appointment ran${tool}` });
    }
  }
  return findings;
};

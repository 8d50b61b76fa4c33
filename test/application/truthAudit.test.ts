import { auditCalls } from '../../src/application/audit/truthAudit';
import type { StoredEvent } from '../../src/application/ports/eventStore';
import { BOOKING, CALL, accepted, delivery, requested } from '../support/bookingFixtures';
import { given } from '../support/deciderSpecification';

let position = 0;
const stored = (type: string, data: Record<string, unknown>, recordedAt: string, schemaVersion = 2): StoredEvent => {
  position += 1;
  return { id: `e${position}`, streamId: type === 'CallerAnswered' || type === 'RetellCallEventRecorded' ? `retell-call-${CALL}` : `booking-${BOOKING}`, streamVersion: position, position: String(position).padStart(10, '0'), type, schemaVersion, data, metadata: { occurredAt: String(data.occurredAt ?? recordedAt), callId: CALL }, recordedAt: new Date(recordedAt) };
};
const told = (status: string, at: string, fn = 'book_appointment') =>
  stored('CallerAnswered', { callId: CALL, occurredAt: at, function: fn, delivery: 1, requestFingerprint: 'f', requestId: 'r', status, message: `said ${status}`, bookingId: BOOKING, latencyMs: 10 }, at);
const bookingEvents = (...events: Array<{ type: string; data: Record<string, unknown> }>) => events.map((e) => stored(e.type, e.data, String(e.data.occurredAt)));
const confirmation = () => given([requested(), accepted()]).when({ type: 'RecordWebhook', data: { delivery: delivery(), now: delivery().createdAt } }).events()[0]!;
const analyzed = (at: string, call: Record<string, unknown>) => stored('RetellCallEventRecorded', { callId: CALL, occurredAt: at, event: 'call_analyzed', call: { call_id: CALL, ...call } }, at);

const now = new Date('2025-10-07T12:00:00.000Z');
const audit = (events: StoredEvent[]) => auditCalls(events, { now, settleMs: 15 * 60_000 }).map((f) => f.kind);

describe('the truth audit', () => {
  it('given a caller told confirmed after the confirming webhook, then there is nothing to find', () => {
    expect(audit([...bookingEvents(requested(), accepted(), confirmation()), told('confirmed', '2025-10-06T09:05:30.000Z')])).toEqual([]);
  });

  it('finds a caller told confirmed without a recorded confirmation', () => {
    expect(audit([...bookingEvents(requested(), accepted()), told('confirmed', '2025-10-06T09:05:30.000Z')])).toEqual(['told_confirmed_not_confirmed']);
  });

  it('finds a booking confirmed while the caller was last told it failed', () => {
    expect(audit([...bookingEvents(requested(), accepted()), told('slot_unavailable', '2025-10-06T09:05:21.000Z'), ...bookingEvents(confirmation())])).toEqual(['confirmed_but_told_failed']);
  });

  it('finds a caller told pending whose booking never settled, once the settle time has passed', () => {
    const events = [...bookingEvents(requested(), accepted()), told('pending', '2025-10-06T09:05:21.000Z')];
    expect(audit(events)).toEqual(['told_pending_never_settled']);
    expect(auditCalls(events, { now: new Date('2025-10-06T09:10:00.000Z'), settleMs: 15 * 60_000 })).toEqual([]);
    expect(audit([...events, ...bookingEvents(confirmation())])).toEqual([]);
  });

  it('finds an agent that said it booked when no book_appointment ran (transcript of call_analyzed)', () => {
    const claim = analyzed('2025-10-06T09:10:00.000Z', { transcript_object: [{ role: 'user', content: 'Geht Freitag?' }, { role: 'agent', content: 'Alles klar. Ihr Termin ist gebucht.' }] });
    expect(auditCalls([told('available', '2025-10-06T09:04:00.000Z', 'check_availability'), claim], { now, settleMs: 1 })).toMatchObject([
      { kind: 'agent_claimed_booking_without_call', detail: 'the agent said "Ihr Termin ist gebucht." but no book_appointment ran' },
    ]);
    const text = analyzed('2025-10-06T09:10:00.000Z', { transcript: 'User: Book me\nAgent: Done, you are booked for Friday.', transcript_with_tool_calls: [{ role: 'tool_call_invocation', name: 'book_appointment', arguments: '{}' }] });
    expect(auditCalls([text], { now, settleMs: 1 })[0]!.detail).toMatch(/a book_appointment tool call that never reached this service/);
    const honest = analyzed('2025-10-06T09:10:00.000Z', { transcript: 'Agent: Leider ist der Termin nicht gebucht.' });
    expect(audit([honest])).toEqual([]);
  });
});

import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, SLOT, accepted, answer, delivery, requested } from '../support/bookingFixtures';

const now = '2025-10-06T09:05:23.000Z';
const receive = (overrides: Parameters<typeof delivery>[0] = {}) => ({ type: 'RecordWebhook' as const, data: { delivery: delivery(overrides), now } });
const facts = { bookingId: BOOKING, callId: CALL, occurredAt: delivery().createdAt, uid: delivery().uid, deliveryId: 'd-1' };

describe('RecordWebhook: the confirmation rule', () => {
  it('given an accepted booking, when a matching BOOKING_CREATED arrives, then it is confirmed by the webhook', () => {
    given([requested(), accepted()])
      .when(receive())
      .then([{ type: 'BookingConfirmedByWebhook', data: { ...facts, calcomBookingId: 11489895 } }]);
  });

  it('confirms when the webhook arrives before Cal.com’s POST answer was recorded (booking_ref routes it)', () => {
    given([requested()]).when(receive()).thenState({ status: 'confirmed', uid: delivery().uid });
  });

  it('never confirms a webhook with another call_id', () => {
    given([requested(), accepted()])
      .when(receive({ metadata: { call_id: 'call_other', booking_ref: BOOKING } }))
      .then([{ type: 'WebhookMismatchRecorded', data: { ...facts, triggerEvent: 'BOOKING_CREATED', reasons: ['call_id_mismatch'], receivedCallId: 'call_other' } }]);
  });

  it('never confirms a webhook without metadata (a known Cal.com regression)', () => {
    given([requested(), accepted()])
      .when(receive({ metadata: { videoCallUrl: 'x' } }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['call_id_missing'] } }]);
  });

  it('never confirms a webhook for another Cal.com booking', () => {
    given([requested(), accepted()])
      .when(receive({ uid: 'other-uid', metadata: { call_id: CALL } }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_mismatch'] } }]);
  });

  it('treats a redelivery as a no-op', () => {
    const first = given([requested(), accepted()]).when(receive()).events();
    given([requested(), accepted(), ...first]).when(receive()).thenNothingHappens();
  });

  it('does not confirm twice on a second, different delivery of the same fact', () => {
    const first = given([requested(), accepted()]).when(receive()).events();
    given([requested(), accepted(), ...first]).when(receive({ deliveryId: 'd-2' })).thenNothingHappens();
  });

  it('moves to awaiting_host on BOOKING_REQUESTED, and to confirmed once the host confirms', () => {
    const pending = given([requested(), accepted()]).when(receive({ triggerEvent: 'BOOKING_REQUESTED' })).events();
    expect(pending).toMatchObject([{ type: 'HostConfirmationRequested' }]);
    given([requested(), accepted(), ...pending]).when(receive({ deliveryId: 'd-2' })).thenState({ status: 'confirmed' });
  });

  it('records a cancellation even without metadata, matched by uid', () => {
    given([requested(), accepted()])
      .when(receive({ triggerEvent: 'BOOKING_CANCELLED', metadata: {}, reason: 'Kunde sagt ab' }))
      .then([{ type: 'BookingCancelled', data: { ...facts, source: 'webhook', reason: 'Kunde sagt ab' } }]);
  });

  it('keeps a cancelled booking cancelled when a late BOOKING_CREATED arrives', () => {
    const cancelled = given([requested(), accepted()]).when(receive({ triggerEvent: 'BOOKING_CANCELLED', metadata: {}, deliveryId: 'd-c' })).events();
    given([requested(), accepted(), ...cancelled]).when(receive()).thenState({ status: 'cancelled' });
  });

  it('records a rejection by the host', () => {
    given([requested(), accepted()]).when(receive({ triggerEvent: 'BOOKING_REJECTED', reason: 'busy' })).thenState({ status: 'rejected' });
  });

  it('follows a reschedule to the new uid and slot, matched by the old uid', () => {
    const newSlot = '2025-10-11T06:00:00.000Z';
    given([requested(), accepted()])
      .when(receive({ triggerEvent: 'BOOKING_RESCHEDULED', uid: 'new-uid', rescheduleUid: delivery().uid, startTime: newSlot, metadata: {} }))
      .thenState({ uid: 'new-uid', slotStart: newSlot });
    expect(SLOT).not.toBe(newSlot);
  });

  it('ignores webhooks for a booking that was never requested', () => {
    given([]).when(receive()).thenNothingHappens();
  });
});

describe('Cal.com’s POST answer arriving after the webhook', () => {
  const answerLate = { type: 'RecordCalcomAnswer' as const, data: { answer: answer(), uidOwner: BOOKING, now: '2025-10-06T09:05:30.000Z' } };

  it('still records the raw answer for analysts, and the booking stays confirmed', () => {
    const confirmedFirst = given([requested()]).when(receive()).events();
    given([requested(), ...confirmedFirst]).when(answerLate).thenMatches([{ type: 'CalcomResponded' }, { type: 'CalcomBookingAccepted' }]);
    given([requested(), ...confirmedFirst]).when(answerLate).thenState({ status: 'confirmed', calcomAnswered: true });
  });

  it('keeps a confirmed booking confirmed when the POST then times out', () => {
    const confirmedFirst = given([requested()]).when(receive()).events();
    given([requested(), ...confirmedFirst])
      .when({ type: 'RecordCalcomFailure', data: { reason: 'timeout', message: 'timeout', latencyMs: 8000, now } })
      .thenState({ status: 'confirmed', failure: { reason: 'timeout', message: 'timeout' } });
  });
});

describe('Webhooks in any order never reopen a settled booking', () => {
  const cancelled = () => given([requested(), accepted()]).when(receive({ triggerEvent: 'BOOKING_CANCELLED', metadata: {}, deliveryId: 'd-cancel' })).events();

  it('given a cancelled booking, when BOOKING_REQUESTED and then BOOKING_CREATED arrive late, then it stays cancelled', () => {
    const history = [requested(), accepted(), ...cancelled()];
    given(history).when(receive({ triggerEvent: 'BOOKING_REQUESTED', deliveryId: 'd-req' })).thenNothingHappens();
    given(history).when(receive({ deliveryId: 'd-created' })).thenState({ status: 'cancelled' });
  });

  it('records the confirming webhook only once, even after a cancellation', () => {
    const history = [requested(), accepted(), ...cancelled()];
    const first = given(history).when(receive({ deliveryId: 'd-created-1' })).events();
    expect(first.map((e) => e.type)).toEqual(['BookingConfirmedByWebhook']);
    given([...history, ...first]).when(receive({ deliveryId: 'd-created-2' })).thenNothingHappens();
  });

  it('keeps a rejected booking rejected when BOOKING_REQUESTED arrives after the rejection', () => {
    const rejected = given([requested(), accepted()]).when(receive({ triggerEvent: 'BOOKING_REJECTED', deliveryId: 'd-rej' })).events();
    given([requested(), accepted(), ...rejected]).when(receive({ triggerEvent: 'BOOKING_REQUESTED', deliveryId: 'd-req' })).thenNothingHappens();
  });

  it('does not take a BOOKING_CREATED whose old uid (rescheduleUid) is ours as proof', () => {
    given([requested(), accepted()])
      .when(receive({ uid: 'someone-else', rescheduleUid: delivery().uid, metadata: { call_id: CALL } }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_mismatch'] } }]);
  });
});

import type { BookingEvent, EventOf, ReconcileLookup } from '../../src/domain';
import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, SLOT, accepted, answer, delivery, requested } from '../support/bookingFixtures';

const now = '2025-10-06T09:05:23.000Z';
type Extra = { uidOwner?: string; lookup?: ReconcileLookup };
/** A delivery as the use case hands it over: with the uid's claim owner (read or won just before) and any lookup. */
const receiveWith = (overrides: Parameters<typeof delivery>[0] = {}, extra: Extra = {}) => ({ type: 'RecordWebhook' as const, data: { delivery: delivery(overrides), now, ...extra } });
const receive = receiveWith;
const facts = { bookingId: BOOKING, callId: CALL, occurredAt: delivery().createdAt, uid: delivery().uid, deliveryId: 'd-1' };

describe('RecordWebhook: the confirmation rule', () => {
  it('given an accepted booking, when a matching BOOKING_CREATED arrives, then it is confirmed by the webhook', () => {
    given([requested(), accepted()])
      .when(receive())
      .then([{ type: 'BookingConfirmedByWebhook', data: { ...facts, calcomBookingId: 11489895, via: 'metadata' } }]);
  });

  it('confirms when the webhook arrives before Cal.com’s POST answer was recorded (booking_ref routes it)', () => {
    given([requested()]).when(receive({}, { uidOwner: BOOKING })).thenState({ status: 'confirmed', uid: delivery().uid });
  });

  it('never confirms with a uid another booking owns, even with our booking_ref and call_id (a hostile, signed delivery)', () => {
    given([requested(), accepted()])
      .when(receive({ uid: 'uid-of-booking-b' }, { uidOwner: 'booking-b' }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { uid: 'uid-of-booking-b', reasons: ['uid_owned_by_other_booking'] } }]);
    const early = given([requested()]).when(receive({ uid: 'uid-of-booking-b' }, { uidOwner: 'booking-b' })).events();
    expect(early.map((e) => e.type)).toEqual(['WebhookMismatchRecorded']);
  });

  it('never confirms with a uid nobody claimed for this booking', () => {
    given([requested()]).when(receive()).thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_mismatch'] } }]);
  });

  it('never cancels through a uid another booking owns', () => {
    given([requested(), accepted()])
      .when(receive({ triggerEvent: 'BOOKING_CANCELLED', uid: 'uid-of-booking-b' }, { uidOwner: 'booking-b' }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_owned_by_other_booking'] } }]);
  });

  it('never confirms a webhook with another call_id', () => {
    given([requested(), accepted()])
      .when(receive({ metadata: { call_id: 'call_other', booking_ref: BOOKING } }))
      .then([{ type: 'WebhookMismatchRecorded', data: { ...facts, triggerEvent: 'BOOKING_CREATED', reasons: ['call_id_mismatch'], receivedCallId: 'call_other' } }]);
  });

  it('never confirms a webhook without metadata for a uid this booking was not given with our metadata', () => {
    given([requested()])
      .when(receive({ metadata: { videoCallUrl: 'x' } }, { uidOwner: 'someone' }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['call_id_missing', 'uid_mismatch'] } }]);
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

  describe('cancelled and rejected: the first of them stays, in any order (Cal.com can reject a pending booking already cancelled)', () => {
    const cancel = (deliveryId: string) => receive({ triggerEvent: 'BOOKING_CANCELLED', metadata: {}, deliveryId });
    const reject = (deliveryId: string) => receive({ triggerEvent: 'BOOKING_REJECTED', metadata: {}, deliveryId });
    const cancelled = () => [requested(), accepted(), ...given([requested(), accepted()]).when(cancel('d-c')).events()];
    const rejected = () => [requested(), accepted(), ...given([requested(), accepted()]).when(reject('d-r')).events()];

    it('given a cancelled booking, when BOOKING_REJECTED arrives, then nothing happens', () => {
      given(cancelled()).when(reject('d-r')).thenNothingHappens();
    });

    it('given a rejected booking, when BOOKING_CANCELLED arrives (or the caller cancels, or a cancel lookup finds it cancelled), then nothing happens', () => {
      given(rejected()).when(cancel('d-c')).thenNothingHappens();
      given(rejected()).when({ type: 'RecordAgentCancellation', data: { now } }).thenNothingHappens();
      given(rejected()).when({ type: 'RecordCancelLookup', data: { lookup: { outcome: 'found', calcomStatus: 'cancelled' }, now } }).thenNothingHappens();
      given(rejected()).when(reject('d-r2')).thenNothingHappens();
    });

    it('given a cancellation, a second copy that changed nothing and a rejection, when the copy is redelivered, then nothing happens (found by the decider property)', () => {
      const history = cancelled();
      given(history).when(cancel('d-c2')).thenNothingHappens();
      const rejection = given(history).when(reject('d-r')).events();
      expect(rejection).toEqual([]);
      given([...history, ...rejection]).when(cancel('d-c2')).thenNothingHappens();
    });
  });

  it('never follows a reschedule to a new uid another booking owns', () => {
    given([requested(), accepted()])
      .when(receive({ triggerEvent: 'BOOKING_RESCHEDULED', uid: 'new-uid', rescheduleUid: delivery().uid, metadata: {} }, { uidOwner: 'booking-b' }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_owned_by_other_booking'] } }]);
  });

  it('follows a reschedule to the new uid and slot, matched by the old uid', () => {
    const newSlot = '2025-10-11T06:00:00.000Z';
    given([requested(), accepted()])
      .when(receive({ triggerEvent: 'BOOKING_RESCHEDULED', uid: 'new-uid', rescheduleUid: delivery().uid, startTime: newSlot, metadata: {} }, { uidOwner: BOOKING }))
      .thenState({ uid: 'new-uid', slotStart: newSlot });
    expect(SLOT).not.toBe(newSlot);
  });

  it('ignores webhooks for a booking that was never requested', () => {
    given([]).when(receive()).thenNothingHappens();
  });
});

describe('Cal.com’s POST answer arriving after the webhook', () => {
  const answerLate = { type: 'RecordCalcomAnswer' as const, data: { answer: answer(), uidOwner: BOOKING, now: '2025-10-06T09:05:30.000Z' } };
  // The webhook came first: the use case claimed its uid for this booking before deciding.
  const receive = (overrides: Parameters<typeof delivery>[0] = {}) => receiveWith(overrides, { uidOwner: BOOKING });

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

describe('A host accepts a requires-confirmation booking: BOOKING_CREATED without our metadata', () => {
  const hostAccept = (extra: Extra = {}) => receive({ deliveryId: 'd-accept', metadata: { videoCallUrl: 'https://cal.example/v' } }, extra);
  const pending = (): BookingEvent[] => [requested(), { type: 'CalcomBookingAccepted', data: { ...(accepted().data as EventOf<'CalcomBookingAccepted'>['data']), status: 'pending' } }];
  const backedUp: ReconcileLookup = { outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL };

  it('given the uid Cal.com gave this booking with our metadata, when Cal.com\'s stored booking shows our call_id, then it is confirmed after the lookup is recorded', () => {
    given(pending())
      .when(hostAccept({ lookup: backedUp }))
      .thenMatches([
        { type: 'HostAcceptanceReceived', data: { uid: delivery().uid, deliveryId: 'd-accept' } },
        { type: 'CalcomBookingLookedUp', data: { purpose: 'host_acceptance', outcome: 'found', metadataCallId: CALL, deliveryId: 'd-accept' } },
        { type: 'BookingConfirmedByWebhook', data: { uid: delivery().uid, via: 'host_acceptance', deliveryId: 'd-accept' } },
      ]);
    given(pending()).when(hostAccept({ lookup: backedUp })).thenState({ status: 'confirmed', hostAcceptance: undefined });
  });

  it('does not confirm when Cal.com holds the uid with another call_id, or no longer holds it', () => {
    given(pending())
      .when(hostAccept({ lookup: { outcome: 'found', calcomStatus: 'accepted', metadataCallId: 'call_other' } }))
      .thenMatches([{ type: 'HostAcceptanceReceived' }, { type: 'CalcomBookingLookedUp' }, { type: 'WebhookMismatchRecorded', data: { reasons: ['host_acceptance_unverified'], receivedCallId: 'call_other' } }]);
    given(pending()).when(hostAccept({ lookup: { outcome: 'not_found' } })).thenState({ status: 'awaiting_host', hostAcceptance: undefined });
    given(pending()).when(hostAccept({ lookup: { outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL } })).thenState({ status: 'awaiting_host' });
  });

  it('keeps the acceptance pending when Cal.com cannot be reached, and confirms when a later lookup backs it up', () => {
    const first = given(pending()).when(hostAccept({ lookup: { outcome: 'unreachable' } })).events();
    expect(first.map((e) => e.type)).toEqual(['HostAcceptanceReceived', 'CalcomBookingLookedUp']);
    given([...pending(), ...first]).when(hostAccept({ lookup: backedUp })).thenNothingHappens(); // the redelivery changes nothing
    given([...pending(), ...first])
      .when({ type: 'VerifyHostAcceptance', data: { lookup: backedUp, now } })
      .thenMatches([{ type: 'CalcomBookingLookedUp' }, { type: 'BookingConfirmedByWebhook', data: { via: 'host_acceptance', deliveryId: 'd-accept' } }]);
  });

  it('never takes a metadata-less BOOKING_CREATED for a uid this booking never got with our metadata', () => {
    given([requested()])
      .when(receive({ metadata: {} }, { uidOwner: BOOKING, lookup: backedUp }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['call_id_missing', 'uid_mismatch'] } }]);
  });
});

describe('Reschedules as Cal.com sends them', () => {
  const newUid = 'uid-new-time';
  const newSlot = '2025-10-11T06:00:00.000Z';
  const confirmed = () => {
    const proof = given([requested(), accepted()]).when(receive()).events();
    return [requested(), accepted(), ...proof];
  };
  const move = (trigger: 'BOOKING_RESCHEDULED' | 'BOOKING_REQUESTED', metadata: Record<string, string>, deliveryId = 'd-move') =>
    receive({ deliveryId, triggerEvent: trigger, uid: newUid, rescheduleUid: delivery().uid, startTime: newSlot, metadata }, { uidOwner: BOOKING });

  it('given a confirmed booking, when the API v2 reschedule arrives (metadata copied), then it is confirmed at the new uid and time', () => {
    given(confirmed()).when(move('BOOKING_RESCHEDULED', { call_id: CALL, booking_ref: BOOKING })).thenState({ status: 'confirmed', uid: newUid, slotStart: newSlot });
  });

  it('follows the booker page\'s reschedule (no metadata) through the old uid', () => {
    given(confirmed()).when(move('BOOKING_RESCHEDULED', {})).thenMatches([{ type: 'BookingRescheduled', data: { fromUid: delivery().uid, uid: newUid, awaitingHost: false } }]);
  });

  it('waits for the host when the new time needs confirming (BOOKING_REQUESTED with rescheduleUid), then the host\'s acceptance confirms after a lookup', () => {
    const moved = given(confirmed()).when(move('BOOKING_REQUESTED', { call_id: CALL, booking_ref: BOOKING })).events();
    expect(moved).toMatchObject([{ type: 'BookingRescheduled', data: { uid: newUid, awaitingHost: true } }]);
    const history = [...confirmed(), ...moved];
    given(history).when(receive({ deliveryId: 'd-ok' })).thenMatches([{ type: 'WebhookMismatchRecorded' }]); // the old uid proves nothing now
    given(history)
      .when(receive({ deliveryId: 'd-accept', uid: newUid, metadata: {} }, { lookup: { outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL } }))
      .thenState({ uid: newUid, slotStart: newSlot });
  });

  it('treats a host\'s cancel that asks for a new time as reschedule_requested, then the new time brings it back', () => {
    const asked = given(confirmed()).when(receive({ deliveryId: 'd-rr', triggerEvent: 'BOOKING_CANCELLED', metadata: {}, rescheduleRequested: true, reason: 'Please reschedule. Sick' })).events();
    expect(asked).toMatchObject([{ type: 'RescheduleRequested', data: { reason: 'Please reschedule. Sick' } }]);
    given([...confirmed(), ...asked]).when(move('BOOKING_RESCHEDULED', {})).thenState({ status: 'confirmed', uid: newUid });
  });

  it('never moves a booking from a uid that is not its own', () => {
    given(confirmed())
      .when(receive({ deliveryId: 'd-x', triggerEvent: 'BOOKING_RESCHEDULED', uid: newUid, rescheduleUid: 'uid-of-someone', metadata: { call_id: CALL, booking_ref: BOOKING } }, { uidOwner: BOOKING }))
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_mismatch'] } }]);
  });

  it('never takes a "move" to the same uid (Cal.com gives a moved booking a new uid): a confirmed booking stays proven (found by the decider property)', () => {
    for (const triggerEvent of ['BOOKING_RESCHEDULED', 'BOOKING_REQUESTED'] as const) {
      given(confirmed())
        .when(receive({ deliveryId: 'd-self', triggerEvent, uid: delivery().uid, rescheduleUid: delivery().uid, startTime: newSlot, metadata: { call_id: CALL, booking_ref: BOOKING } }, { uidOwner: BOOKING }))
        .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_mismatch'] } }]);
    }
  });

  it('keeps a cancelled booking cancelled when a reschedule arrives late', () => {
    const cancelled = given(confirmed()).when(receive({ deliveryId: 'd-c', triggerEvent: 'BOOKING_CANCELLED', metadata: {} })).events();
    given([...confirmed(), ...cancelled]).when(move('BOOKING_RESCHEDULED', {})).thenState({ status: 'cancelled' });
  });
});

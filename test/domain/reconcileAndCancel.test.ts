import { cancellableUid, foldBooking, type BookingEvent } from '../../src/domain';
import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, REQUESTED_AT, SLOT, accepted, delivery, requested } from '../support/bookingFixtures';

const windowMs = 15 * 60_000;
const later = new Date(Date.parse(REQUESTED_AT) + windowMs + 1_000).toISOString();
const reconcile = (now = later) => ({ type: 'Reconcile' as const, data: { lookup: { outcome: 'found' as const, calcomStatus: 'accepted', metadataCallId: CALL }, windowMs, now } });

describe('Reconcile', () => {
  it('given a booking still awaiting its webhook after the window, then it records the lookup and marks it unconfirmed', () => {
    given([requested(), accepted()])
      .when(reconcile())
      .then([
        { type: 'CalcomBookingLookedUp', data: { bookingId: BOOKING, callId: CALL, occurredAt: later, uid: delivery().uid, outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL, purpose: 'reconcile' } },
        { type: 'BookingMarkedUnconfirmed', data: { bookingId: BOOKING, callId: CALL, occurredAt: later, previousStatus: 'awaiting_webhook', waitedMs: windowMs + 1_000 } },
      ]);
  });

  it('never confirms, even when Cal.com says the booking is accepted', () => {
    given([requested(), accepted()]).when(reconcile()).thenState({ status: 'unconfirmed' });
  });

  it('waits until the window has passed', () => {
    given([requested(), accepted()]).when(reconcile(new Date(Date.parse(REQUESTED_AT) + 60_000).toISOString())).thenNothingHappens();
  });

  it('leaves a confirmed booking alone', () => {
    given([requested(), accepted(), { type: 'BookingConfirmedByWebhook', data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, uid: 'u', deliveryId: 'd', via: 'metadata' } }])
      .when(reconcile())
      .thenNothingHappens();
  });

  it('leaves a request whose Cal.com answer was never recorded (a crash) to the resumer: never given up as unconfirmed', () => {
    given([requested()]).when({ type: 'Reconcile', data: { lookup: { outcome: 'not_looked_up' }, windowMs, now: later } }).thenNothingHappens();
  });

  it('lets a late matching webhook confirm an unconfirmed booking: only the webhook confirms', () => {
    const marked = given([requested(), accepted()]).when(reconcile()).events();
    given([requested(), accepted(), ...marked]).when({ type: 'RecordWebhook', data: { delivery: delivery(), now: later } }).thenState({ status: 'confirmed' });
  });
});

const NEW_UID = 'uidOfTheMove';
const moveRequested: BookingEvent = {
  type: 'BookingMoveRequested',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, moveId: 'move-1', byCallId: CALL, fromUid: delivery().uid, fromSlotStart: SLOT, toSlotStart: '2025-10-17T07:00:00.000Z' },
};
/** Cal.com answered the move: a new booking at NEW_UID (claimed by this booking), the old uid CANCELLED by it. */
const moveAccepted: BookingEvent = {
  type: 'CalcomMoveAccepted',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, moveId: 'move-1', uid: NEW_UID, fromUid: delivery().uid, calcomBookingId: 11489999, status: 'accepted', httpStatus: 201, latencyMs: 300 },
};
const moveOutcomeUnknown: BookingEvent = {
  type: 'CalcomMoveOutcomeUnknown',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, moveId: 'move-1', reason: 'server_error', httpStatus: 500, message: 'Internal server error', latencyMs: 300 },
};

/** The reconciler gave the move up: the old uid was no longer standing, no webhook proved the new one. */
const moveUnproven: BookingEvent = { type: 'BookingMarkedUnconfirmed', data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, previousStatus: 'awaiting_webhook', waitedMs: windowMs } };

describe('RecordAgentCancellation', () => {
  it('given an accepted booking, when the agent cancels it, then it is cancelled', () => {
    given([requested(), accepted()])
      .when({ type: 'RecordAgentCancellation', data: { reason: 'caller asked', now: later } })
      .then([{ type: 'BookingCancelled', data: { bookingId: BOOKING, callId: CALL, occurredAt: later, uid: delivery().uid, source: 'agent', reason: 'caller asked' } }]);
  });

  it('given a move Cal.com accepted (its webhook not yet come), when the agent cancels it, then the cancellation is of the new uid, where Cal.com holds it', () => {
    given([requested(), accepted(), moveRequested, moveAccepted])
      .when({ type: 'RecordAgentCancellation', data: { now: later } })
      .then([{ type: 'BookingCancelled', data: { bookingId: BOOKING, callId: CALL, occurredAt: later, uid: NEW_UID, source: 'agent' } }]);
  });

  it('given a move Cal.com accepted, when it is cancelled, then no move is left under way (nothing waits for it, the caller hears cancelled)', () => {
    given([requested(), accepted(), moveRequested, moveAccepted])
      .when({ type: 'RecordAgentCancellation', data: { uid: NEW_UID, now: later } })
      .thenState({ status: 'cancelled', move: undefined, slotStart: '2025-10-17T07:00:00.000Z' }); // the cancelled appointment was at the move's time
  });

  it.each([
    ['requested (not answered yet)', [moveRequested]],
    ['whose answer was lost', [moveRequested, moveOutcomeUnknown]],
  ])('given a move %s, then the cancel acts on the booking\'s own uid (no new one is known)', (_name, move) => {
    expect(cancellableUid(foldBooking([requested(), accepted(), ...move]))).toBe(delivery().uid);
  });

  it('given a move Cal.com accepted that no webhook proved (unproven: unconfirmed at the new time), when the agent cancels it, then the cancellation is of the new uid', () => {
    given([requested(), accepted(), moveRequested, moveAccepted, moveUnproven])
      .when({ type: 'RecordAgentCancellation', data: { now: later } })
      .then([{ type: 'BookingCancelled', data: { bookingId: BOOKING, callId: CALL, occurredAt: later, uid: NEW_UID, source: 'agent' } }]);
  });

  it('refuses to cancel a booking Cal.com never accepted', () => {
    given([requested()]).when({ type: 'RecordAgentCancellation', data: { now: later } }).thenThrows(/Only a booking Cal.com accepted/);
  });
});

describe('RecordCancelLookup (Cal.com did not answer the cancel with 200)', () => {
  const looked = (lookup: import('../../src/domain').ReconcileLookup) => ({ type: 'RecordCancelLookup' as const, data: { lookup, reason: 'caller asked', now: later } });
  const facts = { bookingId: BOOKING, callId: CALL, occurredAt: later, uid: delivery().uid };

  it('given an accepted booking Cal.com holds as cancelled, when the lookup is recorded, then it is cancelled, by lookup', () => {
    given([requested(), accepted()])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL }))
      .then([
        { type: 'CalcomBookingLookedUp', data: { ...facts, outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, purpose: 'cancel' } },
        { type: 'BookingCancelled', data: { ...facts, source: 'lookup', reason: 'caller asked' } },
      ]);
  });

  it.each([
    ['holds it accepted', { outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL }],
    ['does not know it', { outcome: 'not_found' }],
    ['cannot be reached', { outcome: 'unreachable' }],
  ] as const)('given Cal.com %s, then only the lookup is recorded and the booking stands', (_name, lookup) => {
    given([requested(), accepted()]).when(looked(lookup)).thenState({ status: 'awaiting_webhook' });
    given([requested(), accepted()]).when(looked(lookup)).then([{ type: 'CalcomBookingLookedUp', data: { ...facts, ...lookup, purpose: 'cancel' } }]);
  });

  it('given a booking cancelled already, then nothing is recorded', () => {
    given([requested(), accepted(), { type: 'BookingCancelled', data: { ...facts, occurredAt: REQUESTED_AT, source: 'agent' } }])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled' }))
      .then([]);
  });

  it('given Cal.com holds the uid cancelled because it moved the booking to another uid, then the booking stands', () => {
    given([requested(), accepted()])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, rescheduledToUid: 'uidMovedHere' }))
      .then([{ type: 'CalcomBookingLookedUp', data: { ...facts, outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, rescheduledToUid: 'uidMovedHere', purpose: 'cancel' } }]);
  });

  it.each([
    ['under way', [moveRequested]],
    ['whose answer was lost', [moveRequested, moveOutcomeUnknown]],
  ])('given a move of ours %s, then a cancelled old uid is not taken as cancelled (the move may have made it so)', (_name, move) => {
    given([requested(), accepted(), ...move]).when(looked({ outcome: 'found', calcomStatus: 'cancelled' })).thenState({ status: 'awaiting_webhook' });
  });

  it('given a move Cal.com accepted, when the new uid is found cancelled, then the booking is cancelled, by lookup, at the new uid', () => {
    given([requested(), accepted(), moveRequested, moveAccepted])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL }))
      .then([
        { type: 'CalcomBookingLookedUp', data: { ...facts, uid: NEW_UID, outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, purpose: 'cancel' } },
        { type: 'BookingCancelled', data: { ...facts, uid: NEW_UID, source: 'lookup', reason: 'caller asked' } },
      ]);
  });

  it('given an unproven move whose answer Cal.com gave, when its new uid is found cancelled, then the booking is cancelled, by lookup', () => {
    given([requested(), accepted(), moveRequested, moveAccepted, moveUnproven])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL }))
      .thenState({ status: 'cancelled' });
  });

  it('given an unproven move whose answer was lost (no new uid known), then a cancelled old uid is not taken as cancelled', () => {
    given([requested(), accepted(), moveRequested, moveOutcomeUnknown, moveUnproven])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL }))
      .thenState({ status: 'unconfirmed' });
    expect(cancellableUid(foldBooking([requested(), accepted(), moveRequested, moveOutcomeUnknown, moveUnproven]))).toBe(delivery().uid);
  });

  it('given the move\'s answer recorded after the cancel asked (the old uid was looked up), when the old uid is found cancelled, then only that lookup is recorded and the booking stands', () => {
    given([requested(), accepted(), moveRequested, moveAccepted])
      .when({ type: 'RecordCancelLookup', data: { uid: delivery().uid, lookup: { outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL }, reason: 'caller asked', now: later } })
      .then([{ type: 'CalcomBookingLookedUp', data: { ...facts, outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, purpose: 'cancel' } }]);
  });

  it('given a move Cal.com accepted, when the new uid is found moved on again, then the booking stands', () => {
    given([requested(), accepted(), moveRequested, moveAccepted])
      .when(looked({ outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, rescheduledToUid: 'uidMovedAgain' }))
      .thenState({ status: 'awaiting_webhook' });
  });

  it('keeps what the last lookup found when a cancel\'s lookup finds nothing', () => {
    const reconciled: import('../../src/domain').BookingEvent = {
      type: 'CalcomBookingLookedUp',
      data: { ...facts, occurredAt: REQUESTED_AT, outcome: 'found', calcomStatus: 'accepted', metadataCallId: CALL, purpose: 'reconcile' },
    };
    given([requested(), accepted(), reconciled])
      .when(looked({ outcome: 'unreachable' }))
      .thenState({ lastLookup: { outcome: 'found', calcomStatus: 'accepted', metadataCallIdMatches: true, at: REQUESTED_AT } });
  });
});

describe('Reconcile after Cal.com failures', () => {
  const failed = (reason: 'timeout' | 'network'): import('../../src/domain').BookingEvent => ({
    type: 'CalcomRequestFailed',
    data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, reason, message: reason, latencyMs: 8000 },
  });
  const lookup = { type: 'Reconcile' as const, data: { lookup: { outcome: 'not_looked_up' as const }, windowMs, now: later } };

  it('marks a timed-out request unconfirmed: Cal.com may have created it', () => {
    given([requested(), failed('timeout')]).when(lookup).thenState({ status: 'unconfirmed' });
  });

  it('leaves a request that never reached Cal.com failed', () => {
    given([requested(), failed('network')]).when(lookup).thenNothingHappens();
  });
});

import type { BookingEvent } from '../../src/domain';
import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, accepted, answer, delivery, requested } from '../support/bookingFixtures';

// A caller who booked in CALL phones again (CALL_2) and moves the booking from SLOT to NEW_SLOT.
const CALL_2 = 'call_2f5b0c1d9e8a7b6c5d4e3f2a1b0';
const OLD_UID = '8Fxv4pCqnb1Jva1w9wn5wX';
const NEW_UID = 'nGq3Wm7xRescheduledUid01';
const NEW_SLOT = '2025-10-17T07:00:00.000Z';
const NOW = '2025-10-07T10:00:00.000Z';
const MOVE = 'move-1';

const confirmed: BookingEvent = {
  type: 'BookingConfirmedByWebhook',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: '2025-10-06T09:05:22.000Z', uid: OLD_UID, deliveryId: 'd-1', calcomBookingId: 11489895, via: 'metadata' },
};
const booked = [requested(), accepted(), confirmed];
const requestMove = { type: 'RequestMove' as const, data: { moveId: MOVE, byCallId: CALL_2, toSlotStart: NEW_SLOT, now: NOW } };
const moveRequested: BookingEvent = {
  type: 'BookingMoveRequested',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, moveId: MOVE, byCallId: CALL_2, fromUid: OLD_UID, fromSlotStart: '2025-10-10T06:00:00.000Z', toSlotStart: NEW_SLOT },
};
/** Cal.com's 201 to POST /v2/bookings/{uid}/reschedule: a new booking, metadata copied from the old one. */
const movedAnswer = answer({ uid: NEW_UID, calcomBookingId: 11500001, start: NEW_SLOT, rescheduledFromUid: OLD_UID } as never);
const moveAccepted: BookingEvent = {
  type: 'CalcomMoveAccepted',
  data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, moveId: MOVE, uid: NEW_UID, fromUid: OLD_UID, calcomBookingId: 11500001, status: 'accepted', httpStatus: 201, latencyMs: 420 },
};
/** BOOKING_RESCHEDULED: payload.uid is the new booking, rescheduleUid the old one. */
const rescheduledWebhook = delivery({ deliveryId: 'd-2', triggerEvent: 'BOOKING_RESCHEDULED', uid: NEW_UID, rescheduleUid: OLD_UID, startTime: NEW_SLOT, calcomBookingId: 11500001 });

describe('RequestMove', () => {
  it('given a confirmed booking, when a later call asks to move it, then the move is requested from its uid and slot', () => {
    given(booked).when(requestMove).then([moveRequested]);
  });

  it('given the same move requested already (a retried delivery), then nothing happens', () => {
    given([...booked, moveRequested]).when(requestMove).thenNothingHappens();
  });

  it('given another move under way, then a second one waits for it to settle', () => {
    given([...booked, moveRequested]).when({ ...requestMove, data: { ...requestMove.data, moveId: 'move-2' } }).thenNothingHappens();
  });

  it('given a booking already at the new time, then there is nothing to move', () => {
    given(booked).when({ ...requestMove, data: { ...requestMove.data, toSlotStart: '2025-10-10T06:00:00.000Z' } }).thenNothingHappens();
  });

  it('refuses to move a booking Cal.com does not hold for the caller (only requested, duplicate, cancelled)', () => {
    given([requested()]).when(requestMove).thenThrows(/Only a booking Cal.com holds/);
    given([...booked, { type: 'BookingCancelled', data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, uid: OLD_UID, source: 'agent' } }]).when(requestMove).thenThrows(/Only a booking Cal.com holds/);
  });
});

describe('RecordMoveAnswer', () => {
  it('given a requested move, when Cal.com answers this booking moved and the new uid is ours, then the move is accepted (not yet proven)', () => {
    given([...booked, moveRequested])
      .when({ type: 'RecordMoveAnswer', data: { moveId: MOVE, answer: movedAnswer, uidOwner: BOOKING, now: NOW } })
      .then([moveAccepted]);
  });

  it('keeps the booking confirmed at its old time until the webhook proves the new one', () => {
    given([...booked, moveRequested])
      .when({ type: 'RecordMoveAnswer', data: { moveId: MOVE, answer: movedAnswer, uidOwner: BOOKING, now: NOW } })
      .thenState({ status: 'confirmed', slotStart: '2025-10-10T06:00:00.000Z', uid: OLD_UID, move: { stage: 'accepted', newUid: NEW_UID } });
  });

  it('given Cal.com answers the old booking itself (its early return for the same attendee), then the move failed: not moved', () => {
    given([...booked, moveRequested])
      .when({ type: 'RecordMoveAnswer', data: { moveId: MOVE, answer: answer(), uidOwner: BOOKING, now: NOW } })
      .thenMatches([{ type: 'BookingMoveFailed', data: { reason: 'not_moved', answerReasons: ['not_rescheduled_from_this_booking', 'slot_mismatch'] } }]);
  });

  it("given the new uid is another booking's claim, then the move is not this booking's", () => {
    given([...booked, moveRequested])
      .when({ type: 'RecordMoveAnswer', data: { moveId: MOVE, answer: movedAnswer, uidOwner: 'b-other', now: NOW } })
      .thenMatches([{ type: 'BookingMoveFailed', data: { reason: 'not_moved', answerReasons: ['uid_already_claimed'] } }]);
  });
});

describe('RecordMoveFailure', () => {
  const failure = (reason: 'rejected' | 'timeout', httpStatus: number | undefined, message: string) =>
    ({ type: 'RecordMoveFailure' as const, data: { moveId: MOVE, reason, httpStatus, message, latencyMs: 300, now: NOW } });

  it.each([
    [400, 'User either already has booking at this time or is not available', 'slot_unavailable'],
    [403, 'Rescheduling is not allowed within the minimum notice period before the event', 'too_late'],
    [400, 'Can\'t reschedule booking with uid=x because it has been cancelled. Please provide uid of a booking that is not cancelled.', 'not_reschedulable'],
    [404, 'Booking with uid=x was not found in the database', 'not_reschedulable'],
    [401, 'Invalid API key', 'unauthorized'],
  ])('given Cal.com refuses with %i "%s", then the move failed (%s) and the booking stays where it was', (httpStatus, message, reason) => {
    const spec = given([...booked, moveRequested]).when(failure('rejected', httpStatus, message));
    spec.thenMatches([{ type: 'BookingMoveFailed', data: { reason, httpStatus, via: 'answer' } }]);
    spec.thenState({ status: 'confirmed', slotStart: '2025-10-10T06:00:00.000Z', move: undefined, lastMove: { moveId: MOVE, outcome: 'failed', reason } });
  });

  it('given the answer was lost (timeout), then the outcome is unknown and the move stays open for the webhook or the reconciler', () => {
    given([...booked, moveRequested]).when(failure('timeout', undefined, 'timeout')).thenState({ move: { stage: 'unknown' } });
  });
});

describe('BOOKING_RESCHEDULED for a move', () => {
  it('given an accepted move, when the webhook names the new uid rescheduled from the old, then the booking is confirmed at the new time under the new uid', () => {
    given([...booked, moveRequested, moveAccepted])
      .when({ type: 'RecordWebhook', data: { delivery: rescheduledWebhook, uidOwner: BOOKING, now: NOW } })
      .thenState({ status: 'confirmed', uid: NEW_UID, slotStart: NEW_SLOT, formerUids: [OLD_UID], move: undefined, lastMove: { moveId: MOVE, outcome: 'moved' } });
  });

  it('given the webhook came first (the answer was lost), it still proves the move', () => {
    const unknown: BookingEvent = { type: 'CalcomMoveOutcomeUnknown', data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, moveId: MOVE, reason: 'timeout', message: 'timeout', latencyMs: 8000 } };
    given([...booked, moveRequested, unknown])
      .when({ type: 'RecordWebhook', data: { delivery: rescheduledWebhook, uidOwner: BOOKING, now: NOW } })
      .thenState({ status: 'confirmed', uid: NEW_UID, slotStart: NEW_SLOT });
  });

  it('given the move is proven, a late delivery about the old uid no longer acts on the booking', () => {
    const moved = given([...booked, moveRequested, moveAccepted]).when({ type: 'RecordWebhook', data: { delivery: rescheduledWebhook, uidOwner: BOOKING, now: NOW } }).events();
    given([...booked, moveRequested, moveAccepted, ...moved])
      .when({ type: 'RecordWebhook', data: { delivery: delivery({ deliveryId: 'd-3', triggerEvent: 'BOOKING_CANCELLED', uid: OLD_UID }), uidOwner: BOOKING, now: NOW } })
      .thenMatches([{ type: 'WebhookMismatchRecorded', data: { reasons: ['uid_mismatch'] } }]);
  });

  it('given a new time the host must confirm (BOOKING_REQUESTED with rescheduleUid), then it waits for the host at the new time', () => {
    given([...booked, moveRequested, moveAccepted])
      .when({ type: 'RecordWebhook', data: { delivery: { ...rescheduledWebhook, triggerEvent: 'BOOKING_REQUESTED' }, uidOwner: BOOKING, now: NOW } })
      .thenState({ status: 'awaiting_host', slotStart: NEW_SLOT, confirmedAt: undefined });
  });
});

describe('Reconcile a move no webhook proved', () => {
  const later = '2025-10-07T10:30:00.000Z';
  const reconcile = (calcomStatus: string) => ({ type: 'Reconcile' as const, data: { lookup: { outcome: 'found' as const, calcomStatus, metadataCallId: CALL }, windowMs: 15 * 60_000, now: later } });

  it('given Cal.com still holds the old uid standing, then the move did not happen and the booking stays where it was', () => {
    given([...booked, moveRequested])
      .when(reconcile('accepted'))
      .thenState({ status: 'confirmed', slotStart: '2025-10-10T06:00:00.000Z', move: undefined, lastMove: { outcome: 'failed', reason: 'not_moved' } });
  });

  it('given the old uid is cancelled (moved), then the booking is unconfirmed at the new time: never confirmed without the webhook', () => {
    given([...booked, moveRequested, moveAccepted])
      .when(reconcile('cancelled'))
      .thenState({ status: 'unconfirmed', slotStart: NEW_SLOT, move: undefined, lastMove: { outcome: 'unproven' } });
  });

  it('waits until the window has passed', () => {
    given([...booked, moveRequested]).when({ ...reconcile('accepted'), data: { ...reconcile('accepted').data, now: '2025-10-07T10:05:00.000Z' } }).thenNothingHappens();
  });

  it('given the booking was cancelled while its move was under way, then the reconciler leaves it cancelled (found by the decider property)', () => {
    const cancelled: BookingEvent = { type: 'BookingCancelled', data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, uid: OLD_UID, source: 'agent' } };
    const rejected: BookingEvent = { type: 'BookingRejected', data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, uid: OLD_UID, deliveryId: 'd-r' } };
    for (const ended of [cancelled, rejected]) {
      given([...booked, moveRequested, ended]).when(reconcile('cancelled')).thenNothingHappens();
      given([...booked, moveRequested, moveAccepted, ended]).when(reconcile('accepted')).thenNothingHappens();
    }
  });
});

import { cancellableUid, foldBooking, moveToLocate, type BookingCommand, type BookingEvent } from '../../src/domain';
import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, REQUESTED_AT, SLOT, accepted, delivery, requested } from '../support/bookingFixtures';

// A move whose answer was lost: Cal.com moved the booking (the old uid CANCELLED, rescheduledToUid NEW_UID)
// but we never heard the new uid. A lookup of NEW_UID finds where the booking lives.
const OLD_UID = delivery().uid;
const NEW_UID = 'uidOfTheLostMove';
const NEW_SLOT = '2025-10-17T07:00:00.000Z';
const NOW = '2025-10-07T10:00:00.000Z';
const facts = { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, moveId: 'move-1' };
const moveRequested: BookingEvent = { type: 'BookingMoveRequested', data: { ...facts, byCallId: CALL, fromUid: OLD_UID, fromSlotStart: SLOT, toSlotStart: NEW_SLOT } };
const moveOutcomeUnknown: BookingEvent = { type: 'CalcomMoveOutcomeUnknown', data: { ...facts, reason: 'timeout', message: 'timeout', latencyMs: 8000 } };
const confirmed: BookingEvent = { type: 'BookingConfirmedByWebhook', data: { bookingId: BOOKING, callId: CALL, occurredAt: REQUESTED_AT, uid: OLD_UID, deliveryId: 'd-1', calcomBookingId: 11489895, via: 'metadata' } };
const booked = [requested(), accepted(), confirmed];
const lost = [...booked, moveRequested, moveOutcomeUnknown];
/** The reconciler gave the move up: the old uid was cancelled (moved), no webhook proved a new one. */
const givenUp = given(lost)
  .when({ type: 'Reconcile', data: { lookup: { outcome: 'found', calcomStatus: 'cancelled', metadataCallId: CALL, rescheduledToUid: NEW_UID }, windowMs: 900_000, now: NOW } })
  .events();

/** What GET /v2/bookings/NEW_UID holds: the reschedule's new booking, metadata copied from the old one. */
const movedThere = { uid: NEW_UID, calcomBookingId: 11500001, status: 'accepted', start: NEW_SLOT, metadata: { call_id: CALL, booking_ref: BOOKING }, rescheduledFromUid: OLD_UID };
type LocatedBooking = Extract<BookingCommand, { type: 'RecordMoveLocation' }>['data']['booking'];
/** BOOKING_RESCHEDULED of the move: payload.uid the new booking, rescheduleUid the old one. */
const rescheduled = delivery({ deliveryId: 'd-2', triggerEvent: 'BOOKING_RESCHEDULED', uid: NEW_UID, rescheduleUid: OLD_UID, startTime: NEW_SLOT, calcomBookingId: 11500001 });
const locate = (booking: LocatedBooking = movedThere, uidOwner: string | undefined = BOOKING, moveId = 'move-1') =>
  ({ type: 'RecordMoveLocation' as const, data: { moveId, booking, uidOwner, purpose: 'cancel' as const, now: NOW } });
const located: BookingEvent = {
  type: 'CalcomMoveLocated',
  data: { ...facts, occurredAt: NOW, uid: NEW_UID, fromUid: OLD_UID, calcomBookingId: 11500001, status: 'accepted', purpose: 'cancel' },
};

describe('RecordMoveLocation (a move whose answer was lost)', () => {
  it('given the answer was lost, when the old uid\'s new booking is this one moved, then where it lives is recorded and a cancel acts there', () => {
    given(lost).when(locate()).then([located]);
    given(lost).when(locate()).thenState({ status: 'confirmed', uid: OLD_UID, slotStart: SLOT, move: { stage: 'accepted', newUid: NEW_UID } });
    expect(cancellableUid(foldBooking([...lost, located]))).toBe(NEW_UID);
  });

  it('given the move was given up as unproven without a new uid, then it is located beside it and the booking stays unconfirmed', () => {
    given([...lost, ...givenUp]).when(locate()).then([located]);
    given([...lost, ...givenUp]).when(locate()).thenState({ status: 'unconfirmed', lastMove: { outcome: 'unproven', newUid: NEW_UID } });
    expect(cancellableUid(foldBooking([...lost, ...givenUp, located]))).toBe(NEW_UID);
  });

  it('given a move not answered yet, then it is located as if its answer had come', () => {
    given([...booked, moveRequested]).when(locate()).thenState({ move: { stage: 'accepted', newUid: NEW_UID } });
  });

  it.each([
    ['carries another booking_ref', { ...movedThere, metadata: { call_id: CALL, booking_ref: 'b-other' } }, BOOKING],
    ['is at another time', { ...movedThere, start: '2025-10-18T07:00:00.000Z' }, BOOKING],
    ['was rescheduled from another uid', { ...movedThere, rescheduledFromUid: 'uidOfSomeoneElse' }, BOOKING],
    ['is the old uid itself', { ...movedThere, uid: OLD_UID }, BOOKING],
    ['is claimed by another booking', movedThere, 'b-other'],
    ['names no booking it was rescheduled from', (({ rescheduledFromUid: _from, ...rest }) => rest)(movedThere), BOOKING],
    ['is cancelled itself (moved on, or cancelled by the host)', { ...movedThere, status: 'cancelled' }, BOOKING],
    ['is rejected', { ...movedThere, status: 'rejected' }, BOOKING],
  ])('given the booking found there %s, then nothing is located', (_name, booking, owner) => {
    given(lost).when(locate(booking, owner)).thenNothingHappens();
  });

  it('given another move\'s id, or a location already known, or an ended booking, then nothing is located', () => {
    given(lost).when(locate(movedThere, BOOKING, 'move-2')).thenNothingHappens();
    given([...lost, located]).when(locate()).thenNothingHappens();
    const cancelled: BookingEvent = { type: 'BookingCancelled', data: { bookingId: BOOKING, callId: CALL, occurredAt: NOW, uid: OLD_UID, source: 'agent' } };
    given([...lost, cancelled]).when(locate()).thenNothingHappens();
    expect(moveToLocate(foldBooking(booked))).toBeUndefined();
  });

  it('given a lookup that names a uid the booking left (moved there and back, the answer of the way back lost), then that uid is not where it lives', () => {
    // Moved OLD_UID -> NEW_UID (proven), then asked back to SLOT from NEW_UID; that answer lost.
    const proven = given(lost).when({ type: 'RecordWebhook', data: { delivery: rescheduled, uidOwner: BOOKING, now: NOW } }).events();
    const back: BookingEvent = { type: 'BookingMoveRequested', data: { ...facts, moveId: 'move-2', occurredAt: NOW, byCallId: CALL, fromUid: NEW_UID, fromSlotStart: NEW_SLOT, toSlotStart: SLOT } };
    const backLost: BookingEvent = { type: 'CalcomMoveOutcomeUnknown', data: { ...facts, moveId: 'move-2', reason: 'timeout', message: 'timeout', latencyMs: 8000 } };
    const history = [...lost, ...proven, back, backLost];
    // An odd lookup: the old uid, at the time asked for, "rescheduled from" the uid the way back left.
    const oldOne = { ...movedThere, uid: OLD_UID, calcomBookingId: 11489895, start: SLOT, rescheduledFromUid: NEW_UID };
    given(history).when(locate(oldOne, BOOKING, 'move-2')).thenNothingHappens();
    given(history).when(locate({ ...oldOne, uid: 'uidOfTheWayBack' }, BOOKING, 'move-2')).thenMatches([{ type: 'CalcomMoveLocated', data: { uid: 'uidOfTheWayBack', fromUid: NEW_UID } }]);
  });

  it('given the location recorded, when the webhook proves the move, then the booking is confirmed at the new uid and time', () => {
    given([...lost, located]).when({ type: 'RecordWebhook', data: { delivery: rescheduled, uidOwner: BOOKING, now: NOW } }).thenState({ status: 'confirmed', uid: NEW_UID, slotStart: NEW_SLOT });
  });

  it('given the location recorded, when the agent cancels at the new uid, then the booking is cancelled there at the move\'s time', () => {
    given([...lost, located]).when({ type: 'RecordAgentCancellation', data: { uid: NEW_UID, now: NOW } }).thenMatches([{ type: 'BookingCancelled', data: { uid: NEW_UID, source: 'agent' } }]);
  });
});

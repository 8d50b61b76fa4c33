import { hasEnded, STANDING_IN_CALCOM, type Booking } from './booking';
import { classifyRefusal } from './classifyRejection';
import { BookingRuleViolation, type BookingCommand } from './commands';
import type { BookingEvent } from './events';
import { recordMoveAnswer, recordMoveFailure, requestMove } from './decideMove';
import { recordMoveLocation } from './decideMoveLocation';
import { recordAgentCancellation, recordCancelLookup } from './decideCancel';
import { decideSearch } from './decideSearch';
import { decideWebhook } from './decideWebhook';
import { factsOf, lookedUp } from './facts';
import { settleHostAcceptance } from './hostAcceptance';
import { startResume } from './resume';
import { duplicateReasonsFor } from './verifyCalcomAnswer';

type Command<T extends BookingCommand['type']> = Extract<BookingCommand, { type: T }>['data'];

/**
 * Failures that prove Cal.com created nothing: a new attempt cannot create a second booking. A refusal
 * (4xx) is one too: Cal.com refuses before it writes (e.g. a phone number it would not take).
 */
const NOTHING_CREATED = ['network', 'circuit_open', 'rate_limited', 'rejected'];
export const mayTryAgain = (state: Booking): boolean =>
  state.status === 'failed' && NOTHING_CREATED.includes(state.failure?.reason ?? '');

const requestBooking = (c: Command<'RequestBooking'>, state: Booking): BookingEvent[] => {
  // A retried function call joins the request that stands; only a provably unsent one is asked again.
  if (state.status !== 'none' && !mayTryAgain(state)) return [];
  const { now, ...request } = c;
  return [{ type: 'BookingRequested', data: { ...request, occurredAt: now } }];
};

const recordCalcomAnswer = ({ answer, uidOwner, now }: Command<'RecordCalcomAnswer'>, state: Booking): BookingEvent[] => {
  if (state.status === 'none' || state.calcomAnswered) return []; // the answer was already recorded
  const facts = factsOf(state, now);
  const responded: BookingEvent = { type: 'CalcomResponded', data: { ...facts, ...answer } };
  const reasons = duplicateReasonsFor(state, answer, uidOwner);
  if (reasons.length > 0) {
    const conflicting = {
      uid: answer.uid,
      calcomBookingId: answer.calcomBookingId,
      createdAt: answer.createdAt,
      metadataCallId: answer.metadata.call_id,
      metadataBookingRef: answer.metadata.booking_ref,
      ownerBookingId: uidOwner !== state.bookingId ? uidOwner : undefined,
    };
    return [responded, { type: 'DuplicateDetected', data: { ...facts, reasons, conflicting } }];
  }
  // Only a booking holding the uid's claim may take it as its own (the use case claims before it asks).
  if (uidOwner !== state.bookingId) throw new BookingRuleViolation(`Cal.com uid ${answer.uid} must be claimed for this booking before its answer is accepted`);
  const accepted = { ...facts, uid: answer.uid, calcomBookingId: answer.calcomBookingId, status: answer.status };
  return [responded, { type: 'CalcomBookingAccepted', data: accepted }];
};

const recordCalcomFailure = (c: Command<'RecordCalcomFailure'>, state: Booking): BookingEvent[] => {
  if (state.status === 'none' || state.calcomAnswered) return [];
  const facts = factsOf(state, c.now);
  const { now: _now, ...failure } = c;
  if (c.reason !== 'rejected' || c.httpStatus === undefined) return [{ type: 'CalcomRequestFailed', data: { ...facts, ...failure } }];
  const refusal = classifyRefusal(c.httpStatus, c.message);
  if (refusal.kind === 'slot_unavailable') return [{ type: 'SlotUnavailable', data: { ...facts, httpStatus: c.httpStatus, message: c.message } }];
  const field = refusal.kind === 'booking_field_required' ? { field: refusal.field } : {};
  return [{ type: 'CalcomRequestFailed', data: { ...facts, ...failure, refusal: refusal.kind, ...field } }];
};

/**
 * Still waiting for a webhook that should have come: accepted, or a failure after which the booking may
 * exist. A booking with no answer at all (`requested`) is the resumer's: it is posted, not given up.
 */
const awaitsProof = (state: Booking): boolean =>
  state.status === 'awaiting_webhook' ||
  (state.status === 'failed' && (state.failure?.reason === 'timeout' || state.failure?.reason === 'server_error'));

/**
 * A move that got no webhook within the window: the lookup of the old uid tells. Standing there, Cal.com
 * did not move it (the booking stays where it was); gone, it moved but nothing proved the new time.
 */
const reconcileMove = ({ lookup, windowMs, now }: Command<'Reconcile'>, state: Booking): BookingEvent[] => {
  const move = state.move!;
  const waitedMs = Date.parse(now) - Date.parse(move.requestedAt);
  if (waitedMs < windowMs || lookup.outcome === 'unreachable' || lookup.outcome === 'not_looked_up') return [];
  const facts = factsOf(state, now);
  // Cal.com still holds the booking at its old uid (not cancelled): the move did not happen.
  if (lookup.outcome === 'found' && STANDING_IN_CALCOM.includes(lookup.calcomStatus)) {
    const message = `Cal.com still holds uid ${move.fromUid} (${lookup.calcomStatus}) at the old time`;
    return [{ type: 'BookingMoveFailed', data: { ...facts, moveId: move.moveId, reason: 'not_moved', message, via: 'lookup' } }];
  }
  return [lookedUp(state, now, move.fromUid, lookup, 'reconcile'), { type: 'BookingMarkedUnconfirmed', data: { ...facts, previousStatus: state.status, waitedMs } }];
};

const reconcile = ({ lookup, windowMs, now }: Command<'Reconcile'>, state: Booking): BookingEvent[] => {
  // Cancelled or rejected: nothing is left to prove, not even a move that was under way when it ended.
  if (hasEnded(state)) return [];
  if (state.move) return reconcileMove({ lookup, windowMs, now }, state);
  if (!awaitsProof(state)) return [];
  const waitedMs = Date.parse(now) - Date.parse(state.requestedAt ?? now);
  if (waitedMs < windowMs) return [];
  return [lookedUp(state, now, state.uid, lookup, 'reconcile'), { type: 'BookingMarkedUnconfirmed', data: { ...factsOf(state, now), previousStatus: state.status, waitedMs } }];
};

const UNPROVEN = ['requested', 'awaiting_webhook', 'failed', 'awaiting_host'];

/** The call ended and the booking is still without proof: what Cal.com holds is recorded (nothing is concluded from it). */
const lookUpAtCallEnd = ({ lookup, now }: Command<'LookUpAtCallEnd'>, state: Booking): BookingEvent[] => {
  if (!UNPROVEN.includes(state.status)) return [];
  return [lookedUp(state, now, state.uid, lookup, 'call_ended')];
};

/** The Booking decider: what the command means, as new facts, given everything we know. */
export const decide = (command: BookingCommand, state: Booking): BookingEvent[] => {
  switch (command.type) {
    case 'RequestBooking':
      return requestBooking(command.data, state);
    case 'RecordCalcomAnswer':
      return recordCalcomAnswer(command.data, state);
    case 'RecordCalcomFailure':
      return recordCalcomFailure(command.data, state);
    case 'RecordWebhook':
      return decideWebhook(command.data, state);
    case 'RecordAgentCancellation':
      return recordAgentCancellation(command.data, state);
    case 'RecordCancelLookup':
      return recordCancelLookup(command.data, state);
    case 'Reconcile':
      return reconcile(command.data, state);
    case 'RecordCalcomSearch':
      return decideSearch(command.data, state);
    case 'LookUpAtCallEnd':
      return lookUpAtCallEnd(command.data, state);
    case 'StartResume':
      return startResume(command.data, state);
    case 'RequestMove':
      return requestMove(command.data, state);
    case 'RecordMoveAnswer':
      return recordMoveAnswer(command.data, state);
    case 'RecordMoveFailure':
      return recordMoveFailure(command.data, state);
    case 'RecordMoveLocation':
      return recordMoveLocation(command.data, state);
    case 'VerifyHostAcceptance':
      return settleHostAcceptance(state, command.data.lookup, command.data.now);
  }
};

import type { Attendee, BookingEvent, DuplicateReason } from './events';

export type BookingStatus =
  | 'none'
  | 'requested'
  | 'awaiting_webhook'
  | 'awaiting_host'
  | 'confirmed'
  | 'duplicate'
  | 'slot_unavailable'
  | 'failed'
  | 'unconfirmed'
  | 'cancelled'
  | 'rejected'
  /** The host cancelled it asking the attendee to pick a new time (BOOKING_CANCELLED with requestReschedule). */
  | 'reschedule_requested';

export interface Booking {
  status: BookingStatus;
  bookingId?: string;
  callId?: string;
  /** The caller's number from Retell (E.164), when the booking was made from a phone call. */
  callerNumber?: string;
  /** The practice the booking is for. */
  practiceId?: string;
  eventTypeId?: number;
  slotStart?: string;
  /** The service the caller asked for (in the words the agent used). */
  service?: string;
  requestedAt?: string;
  attendee?: Attendee;
  language: 'de' | 'en';
  /** The Cal.com uid verified as this booking's own (always one whose claim this booking holds). */
  uid?: string;
  /** Uids this booking had before Cal.com moved it: nothing acts on the booking through them any more. */
  formerUids?: string[];
  /** The uid Cal.com gave this booking with our metadata (a verified POST answer or a proven BOOKING_REQUESTED). */
  verifiedUid?: string;
  /** A metadata-less BOOKING_CREATED (host accepted) for `verifiedUid`, waiting for a lookup to back it up. */
  hostAcceptance?: { deliveryId: string; uid: string; calcomBookingId?: number };
  calcomBookingId?: number;
  duplicate?: { reasons: DuplicateReason[]; conflictingUid: string; ownerBookingId?: string };
  confirmedAt?: string;
  failure?: { reason: string; message: string; refusal?: string; field?: string };
  /** The last time a resumer took up this booking (no Cal.com answer was recorded), and how often. */
  resume?: { startedAt: string; attempts: number };
  /** What Cal.com said the last time we looked the booking up. */
  lastLookup?: { outcome: string; calcomStatus?: string; metadataCallIdMatches?: boolean; at: string };
  /** A move the caller asked for that is not settled yet (reschedule_appointment). */
  move?: Move;
  /** How the last settled move ended. */
  lastMove?: {
    moveId?: string;
    fromSlotStart?: string;
    toSlotStart: string;
    outcome: 'moved' | 'failed' | 'unproven';
    reason?: string;
    /** Unproven: the uid Cal.com answered for the move (claimed by this booking), if its answer came. */
    newUid?: string;
  };
  /** Cal.com's answer to our POST (or its failure) is recorded; it is recorded once. */
  calcomAnswered: boolean;
  /** Webhook deliveries already applied, so a redelivery changes nothing. */
  deliveries: string[];
}

export interface Move {
  moveId: string;
  byCallId: string;
  fromUid: string;
  fromSlotStart: string;
  toSlotStart: string;
  requestedAt: string;
  /** requested: nothing answered yet; accepted: Cal.com moved it, the webhook is awaited; unknown: the answer was lost. */
  stage: 'requested' | 'accepted' | 'unknown';
  newUid?: string;
}

/** The statuses of a booking that has ended (the read model's queries take them too). */
export const ENDED_STATUSES: readonly BookingStatus[] = ['cancelled', 'rejected'];

/** Cancelled or rejected: the appointment will not take place, and no later fact reopens it. */
export const hasEnded = (state: Booking): boolean => ENDED_STATUSES.includes(state.status);

/** Cal.com statuses (as a lookup reads them) of a booking that stands: neither cancelled nor rejected. */
export const STANDING_IN_CALCOM: readonly string[] = ['accepted', 'pending'];

export const initialState = (): Booking => ({ status: 'none', language: 'de', deliveries: [], calcomAnswered: false });

const seen = (state: Booking, deliveryId: string): string[] => [...state.deliveries, deliveryId];

/**
 * A status only a webhook gives (host pending, confirmed, asked to move, or ended): it outranks what a
 * POST answer implies, and a late BOOKING_REQUESTED never reopens it (decideWebhook).
 */
export const isSettledByWebhook = (state: Booking): boolean =>
  hasEnded(state) || state.status === 'awaiting_host' || state.status === 'confirmed' || state.status === 'reschedule_requested';
const answered = (state: Booking, status: BookingStatus): BookingStatus => (isSettledByWebhook(state) ? state.status : status);

/**
 * Where a move leaves the booking: waiting for the host when the new time needs confirming; a proven
 * booking (or one the host asked to move) stays proven at the new time; a cancelled or rejected one
 * stays so; anything else keeps waiting for its proof.
 */
const afterReschedule = (state: Booking, awaitingHost: boolean): BookingStatus => {
  if (hasEnded(state)) return state.status;
  if (awaitingHost) return 'awaiting_host';
  // A move whose proof was given up on (`unconfirmed`) is proven after all by a late webhook.
  if (state.confirmedAt !== undefined && ['confirmed', 'reschedule_requested', 'unconfirmed'].includes(state.status)) return 'confirmed';
  return state.status === 'reschedule_requested' ? 'awaiting_webhook' : state.status;
};

export const evolve = (state: Booking, event: BookingEvent): Booking => {
  switch (event.type) {
    case 'BookingRequested': {
      const { bookingId, callId, callerNumber, practiceId, eventTypeId, slotStart, service, attendee, language, occurredAt } = event.data;
      return { ...state, status: 'requested', bookingId, callId, callerNumber, practiceId, eventTypeId, slotStart, service, attendee, language, requestedAt: occurredAt, calcomAnswered: false, failure: undefined };
    }
    case 'CalcomResponded':
      return { ...state, calcomAnswered: true };
    case 'CalcomBookingAccepted': {
      const status = event.data.status === 'pending' ? 'awaiting_host' : 'awaiting_webhook';
      return { ...state, status: answered(state, status), uid: event.data.uid, verifiedUid: event.data.uid, calcomBookingId: event.data.calcomBookingId };
    }
    case 'DuplicateDetected': {
      const { reasons, conflicting } = event.data;
      return { ...state, status: answered(state, 'duplicate'), duplicate: { reasons, conflictingUid: conflicting.uid, ownerBookingId: conflicting.ownerBookingId } };
    }
    case 'SlotUnavailable':
      return { ...state, status: answered(state, 'slot_unavailable'), calcomAnswered: true };
    case 'CalcomRequestFailed':
      return {
        ...state,
        status: answered(state, 'failed'),
        calcomAnswered: true,
        failure: { reason: event.data.reason, message: event.data.message, ...(event.data.refusal && { refusal: event.data.refusal }), ...(event.data.field && { field: event.data.field }) },
      };
    case 'BookingConfirmedByWebhook': {
      const status = hasEnded(state) ? state.status : 'confirmed';
      const deliveries = state.deliveries.includes(event.data.deliveryId) ? state.deliveries : seen(state, event.data.deliveryId);
      return { ...state, status, uid: event.data.uid, confirmedAt: event.data.occurredAt, hostAcceptance: undefined, deliveries };
    }
    case 'WebhookMismatchRecorded': {
      const settled = state.hostAcceptance?.deliveryId === event.data.deliveryId ? { hostAcceptance: undefined } : {};
      const deliveries = state.deliveries.includes(event.data.deliveryId) ? state.deliveries : seen(state, event.data.deliveryId);
      return { ...state, ...settled, deliveries };
    }
    case 'HostConfirmationRequested':
      return {
        ...state,
        status: answered(state, 'awaiting_host'),
        uid: event.data.uid,
        verifiedUid: event.data.uid,
        deliveries: seen(state, event.data.deliveryId),
      };
    case 'HostAcceptanceReceived': {
      const { deliveryId, uid, calcomBookingId } = event.data;
      return { ...state, hostAcceptance: { deliveryId, uid, calcomBookingId }, deliveries: seen(state, deliveryId) };
    }
    // An ended booking has no move under way: one left open when it ended is over (nothing waits for it).
    case 'BookingCancelled': {
      // Cancelled at a move's new uid: the appointment that was cancelled was at the move's time.
      const atNewUid = state.move?.newUid !== undefined && event.data.uid === state.move.newUid;
      return {
        ...state,
        status: 'cancelled',
        ...(atNewUid && { slotStart: state.move!.toSlotStart }),
        move: undefined,
        deliveries: event.data.deliveryId ? seen(state, event.data.deliveryId) : state.deliveries,
      };
    }
    case 'BookingRejected':
      return { ...state, status: 'rejected', move: undefined, deliveries: seen(state, event.data.deliveryId) };
    case 'BookingRescheduled': {
      const { awaitingHost, uid, slotStart, deliveryId } = event.data;
      const lastMove = { moveId: state.move?.moveId, fromSlotStart: state.slotStart, toSlotStart: slotStart, outcome: 'moved' as const };
      return {
        ...state,
        status: afterReschedule(state, awaitingHost),
        uid,
        verifiedUid: uid,
        hostAcceptance: undefined,
        slotStart,
        formerUids: [...(state.formerUids ?? []), ...(state.uid && state.uid !== uid ? [state.uid] : [])],
        // A new time the host must confirm is not proven until the host accepts it.
        confirmedAt: awaitingHost ? undefined : state.confirmedAt,
        move: undefined,
        lastMove,
        deliveries: seen(state, deliveryId),
      };
    }
    case 'BookingMoveRequested': {
      const { moveId, byCallId, fromUid, fromSlotStart, toSlotStart, occurredAt } = event.data;
      return { ...state, move: { moveId, byCallId, fromUid, fromSlotStart, toSlotStart, requestedAt: occurredAt, stage: 'requested' } };
    }
    case 'CalcomMoveAccepted':
      return state.move ? { ...state, move: { ...state.move, stage: 'accepted', newUid: event.data.uid } } : state;
    case 'CalcomMoveLocated': {
      // Where a move whose answer was lost lives: under way, as if Cal.com's answer had come; given up on, beside it.
      const { moveId, uid: newUid } = event.data;
      if (state.move?.moveId === moveId) return { ...state, move: { ...state.move, stage: 'accepted', newUid } };
      if (state.lastMove?.moveId === moveId && state.lastMove.outcome === 'unproven') return { ...state, lastMove: { ...state.lastMove, newUid } };
      return state;
    }
    case 'CalcomMoveOutcomeUnknown':
      return state.move ? { ...state, move: { ...state.move, stage: 'unknown' } } : state;
    case 'BookingMoveFailed': {
      const toSlotStart = state.move?.toSlotStart ?? state.slotStart ?? event.data.occurredAt;
      return { ...state, move: undefined, lastMove: { moveId: event.data.moveId, fromSlotStart: state.slotStart, toSlotStart, outcome: 'failed', reason: event.data.reason } };
    }
    case 'RescheduleRequested':
      return { ...state, status: hasEnded(state) ? state.status : 'reschedule_requested', deliveries: seen(state, event.data.deliveryId) };
    case 'CalcomBookingSearched':
      return state;
    case 'BookingResumeStarted':
      return { ...state, resume: { startedAt: event.data.occurredAt, attempts: event.data.attempt } };
    case 'CalcomBookingLookedUp': {
      // A cancel's lookup that found nothing does not replace what the last one found (the reconciler's, shown beside an unconfirmed booking).
      if (event.data.purpose === 'cancel' && event.data.outcome !== 'found') return state;
      const { outcome, calcomStatus, metadataCallId, occurredAt } = event.data;
      const metadataCallIdMatches = outcome === 'found' ? metadataCallId === state.callId : undefined;
      return { ...state, lastLookup: { outcome, calcomStatus, metadataCallIdMatches, at: occurredAt } };
    }
    case 'BookingMarkedUnconfirmed': {
      if (!state.move) return { ...state, status: 'unconfirmed' };
      // A move Cal.com made (the old uid is no longer standing) that no webhook proved: unproven at the new time.
      const { moveId, fromSlotStart, toSlotStart, newUid } = state.move;
      return { ...state, status: 'unconfirmed', slotStart: toSlotStart, move: undefined, lastMove: { moveId, fromSlotStart, toSlotStart, outcome: 'unproven', ...(newUid && { newUid }) } };
    }
  }
};

export const foldBooking = (events: BookingEvent[]): Booking => events.reduce(evolve, initialState());

import { locationGaps, moveToLocate, type Booking, type ReconcileLookup } from '../domain';
import { handleBookingCommand } from './bookingRepository';
import type { Causation } from './eventEnvelope';
import type { CalcomClient } from './ports/calcom';
import type { EventStore } from './ports/eventStore';
import { claimCalcomUid, readUidOwner } from './uidClaims';

interface Deps {
  store: EventStore;
  calcom: CalcomClient;
  now: () => Date;
}

/**
 * The lookup of a booking's own uid found it CANCELLED and rescheduled elsewhere while a move of ours
 * has no known new uid (its answer was lost): what Cal.com holds there is looked up, its uid claimed if
 * it is this booking moved, and the decider records where the booking lives (CalcomMoveLocated).
 * Answers the booking as the decider saw it then (located or not: a webhook, the move's answer or another
 * cancel may have come meanwhile), or undefined when there was nothing to look up.
 */
export const locateLostMove = async (deps: Deps, bookingId: string, state: Booking, lookup: ReconcileLookup, purpose: 'cancel' | 'reconcile', causation: Causation): Promise<Booking | undefined> => {
  const move = moveToLocate(state);
  const movedTo = lookup.outcome === 'found' && lookup.calcomStatus === 'cancelled' ? lookup.rescheduledToUid : undefined;
  if (!move || !movedTo || !state.callId) return undefined;
  const result = await deps.calcom.getBooking(movedTo);
  if (result.outcome !== 'found' || result.booking.uid !== movedTo) return undefined;
  const { uid, id: calcomBookingId, status, start, metadata, rescheduledFromUid } = result.booking;
  const booking = { uid, calcomBookingId, status, start, metadata, ...(rescheduledFromUid !== undefined && { rescheduledFromUid }) };
  const now = deps.now().toISOString();
  // Claimed only when it is this booking moved (as a move's answer is); otherwise only who owns it is read.
  const uidOwner =
    locationGaps(state, move, booking, bookingId).length === 0
      ? await claimCalcomUid(deps.store, { uid, bookingId, callId: state.callId, now }, causation)
      : await readUidOwner(deps.store, uid);
  const located = await handleBookingCommand(deps.store, bookingId, { type: 'RecordMoveLocation', data: { moveId: move.moveId, booking, uidOwner, purpose, now } }, causation);
  return located.state;
};

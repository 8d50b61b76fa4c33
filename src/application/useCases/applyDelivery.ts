import { decide, needsHostAcceptanceLookup, type Booking, type WebhookDelivery } from '../../domain';
import { handleBookingCommand, loadBooking, type Alongside, type KnownBooking } from '../bookingRepository';
import { lookUpCalcomBooking } from '../calcomLookup';
import type { Causation } from '../eventEnvelope';
import { claimCalcomUid, readUidOwner, releaseCalcomUid } from '../uidClaims';
import type { UseCaseDeps } from './deps';

const TAKES_UID = new Set(['BookingConfirmedByWebhook', 'HostConfirmationRequested', 'BookingRescheduled']);

/** Would the delivery make its (unclaimed) uid this booking's own, if the booking held the claim? */
const wouldTakeUid = (state: Booking, delivery: WebhookDelivery, now: string): boolean =>
  delivery.uid !== state.uid &&
  state.bookingId !== undefined &&
  decide({ type: 'RecordWebhook', data: { delivery, uidOwner: state.bookingId, now } }, state).some((e) => TAKES_UID.has(e.type));

/**
 * A routed delivery, decided on everything it needs: who owns its uid (claimed now when the delivery
 * would prove this booking with a uid nobody owns yet: first claimant wins), and for a host's
 * metadata-less acceptance the lookup that must back it up.
 */
export const applyDelivery = async (
  deps: UseCaseDeps,
  bookingId: string,
  delivery: WebhookDelivery,
  now: string,
  causation: Causation,
  read?: KnownBooking,
  /** Written with what the delivery decides (see handleBookingCommand); not when it decides nothing. */
  alongside?: Alongside,
) => {
  // The booking as the caller just read it (a stale one fails its append on the version and is read again).
  const known = read ?? (await loadBooking(deps.store, bookingId));
  const { state } = known;
  // The booking's own verified uid needs no claim to be its own (ownsUid): only another uid's owner is read.
  let uidOwner = delivery.uid === state.uid ? undefined : await readUidOwner(deps.store, delivery.uid);
  if (uidOwner === undefined && state.callId && wouldTakeUid(state, delivery, now)) {
    uidOwner = await claimCalcomUid(deps.store, { uid: delivery.uid, bookingId, callId: state.callId, now }, causation);
  }
  const lookup = needsHostAcceptanceLookup(state, delivery) ? await lookUpCalcomBooking(deps.calcom, delivery.uid) : undefined;
  const result = await handleBookingCommand(deps.store, bookingId, { type: 'RecordWebhook', data: { delivery, uidOwner, lookup, now } }, causation, { known, alongside });
  // Moved to a new uid: the old one is let go of (its claim stays this booking's).
  for (const event of result.appended) {
    if (event.type !== 'BookingRescheduled') continue;
    await releaseCalcomUid(deps.store, { uid: event.data.fromUid, movedTo: event.data.uid, bookingId, callId: event.data.callId, now }, causation);
  }
  return result;
};

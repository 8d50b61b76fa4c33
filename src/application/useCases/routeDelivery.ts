import type { WebhookDelivery } from '../../domain';
import { loadBooking, type KnownBooking } from '../bookingRepository';
import { readUidOwner } from '../uidClaims';
import type { UseCaseDeps } from './deps';

export interface Route {
  bookingId: string;
  via: 'booking_ref' | 'uid_claim' | 'call_id';
  /** The booking as read (or as this process's last append left it) to route by its booking_ref: handed on, not read again. */
  loaded?: KnownBooking;
}

/** Which booking a delivery concerns: our `booking_ref` in its metadata, else the uid's claim, else its call id. */
export const routeDelivery = async (deps: UseCaseDeps, delivery: WebhookDelivery): Promise<Route | undefined> => {
  const ref = delivery.metadata.booking_ref;
  const byRef = ref ? (deps.recentBookings?.forDelivery(ref, delivery) ?? (await loadBooking(deps.store, ref))) : undefined;
  if (ref && byRef && byRef.state.status !== 'none') return { bookingId: ref, via: 'booking_ref', loaded: byRef };

  for (const uid of [delivery.uid, delivery.rescheduleUid]) {
    const owner = uid ? await readUidOwner(deps.store, uid) : undefined;
    if (owner) return { bookingId: owner, via: 'uid_claim' };
  }

  const callId = delivery.metadata.call_id;
  if (!callId || !deps.lookup) return undefined;
  const candidates = await deps.lookup.bookingsForCall(callId);
  const sameSlot = candidates.filter((c) => delivery.startTime && c.slotStart && Date.parse(c.slotStart) === Date.parse(delivery.startTime));
  const chosen = sameSlot.length === 1 ? sameSlot[0] : candidates.length === 1 ? candidates[0] : undefined;
  return chosen ? { bookingId: chosen.bookingId, via: 'call_id' } : undefined;
};

import type { ReconcileLookup } from '../../domain';
import { handleBookingCommand, loadBooking } from '../bookingRepository';
import type { UseCaseDeps } from './deps';

export interface ReconcileReport {
  checked: number;
  markedUnconfirmed: string[];
}

const lookUp = async (deps: UseCaseDeps, uid: string | undefined): Promise<ReconcileLookup> => {
  if (!uid) return { outcome: 'not_looked_up' };
  const result = await deps.calcom.getBooking(uid);
  if (result.outcome === 'found') return { outcome: 'found', calcomStatus: result.booking.status, metadataCallId: result.booking.metadata.call_id };
  return { outcome: result.outcome === 'not_found' ? 'not_found' : 'unreachable' };
};

/**
 * Bookings that never got their webhook: ask Cal.com what it knows, record it, and mark them
 * `unconfirmed` once the window has passed. Never `confirmed`: only the webhook confirms.
 */
export const reconcileBookings = async (deps: UseCaseDeps, candidates: string[], windowMs: number): Promise<ReconcileReport> => {
  const markedUnconfirmed: string[] = [];
  for (const bookingId of candidates) {
    const { state } = await loadBooking(deps.store, bookingId);
    const lookup = await lookUp(deps, state.uid);
    const now = deps.now().toISOString();
    const causation = { correlationId: `reconcile-${bookingId}`, causationId: `reconcile-${now}` };
    const { appended } = await handleBookingCommand(deps.store, bookingId, { type: 'Reconcile', data: { lookup, windowMs, now } }, causation);
    if (appended.some((e) => e.type === 'BookingMarkedUnconfirmed')) {
      markedUnconfirmed.push(bookingId);
      deps.telemetry.bookingUnconfirmed();
      deps.telemetry.log('warn', 'Booking marked unconfirmed: no confirming webhook within the reconciliation window', {
        alert: 'booking_unconfirmed',
        bookingId,
        callId: state.callId,
        uid: state.uid,
        calcom: lookup.outcome,
        calcomStatus: lookup.outcome === 'found' ? lookup.calcomStatus : undefined,
      });
    }
  }
  return { checked: candidates.length, markedUnconfirmed };
};

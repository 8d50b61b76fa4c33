import { handleBookingCommand, loadBooking } from '../bookingRepository';
import { lookUpCalcomBooking } from '../calcomLookup';
import { locateLostMove } from '../locateLostMove';
import { DEFAULT_PRACTICE_ID } from '../practice';
import type { UseCaseDeps } from './deps';

export interface ReconcileReport {
  checked: number;
  markedUnconfirmed: string[];
}

/**
 * Bookings that never got their webhook: ask Cal.com what it knows, record it, and mark them
 * `unconfirmed` once the window has passed. Never `confirmed`: only the webhook confirms. A move
 * whose answer was lost is located through the old uid's `rescheduledToUid` (locateLostMove.ts).
 */
export const reconcileBookings = async (deps: UseCaseDeps, candidates: string[], windowMs: number): Promise<ReconcileReport> => {
  const markedUnconfirmed: string[] = [];
  for (const bookingId of candidates) {
    const { state } = await loadBooking(deps.store, bookingId);
    // Each booking is looked up in its own practice's Cal.com.
    const calcom = (deps.forPractice?.(state.practiceId ?? DEFAULT_PRACTICE_ID) ?? deps).calcom;
    const lookup = await lookUpCalcomBooking(calcom, state.uid);
    const now = deps.now().toISOString();
    const causation = { correlationId: `reconcile-${bookingId}`, causationId: `reconcile-${now}` };
    if (state.hostAcceptance) {
      // A host's acceptance whose lookup failed before: this lookup may back it up now.
      const verified = await handleBookingCommand(deps.store, bookingId, { type: 'VerifyHostAcceptance', data: { lookup, now } }, causation);
      if (verified.appended.some((e) => e.type === 'BookingConfirmedByWebhook')) continue;
    }
    // A move whose answer was lost, the old uid found moved elsewhere: where it went is recorded first, so a move given up as unproven keeps its new uid.
    if (state.move) await locateLostMove({ ...deps, calcom }, bookingId, state, lookup, 'reconcile', causation);
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

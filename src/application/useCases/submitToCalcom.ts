import { duplicateReasonsFor, type CalcomAnswer } from '../../domain';
import type { Booking } from '../../domain';
import { handleBookingCommand } from '../bookingRepository';
import type { Causation } from '../eventEnvelope';
import type { CalcomBooking } from '../ports/calcom';
import { claimCalcomUid, readUidOwner } from '../uidClaims';
import type { UseCaseDeps } from './deps';

const toAnswer = (httpStatus: number, booking: CalcomBooking, latencyMs: number): CalcomAnswer => ({
  httpStatus,
  uid: booking.uid,
  calcomBookingId: booking.id,
  status: booking.status,
  start: booking.start,
  createdAt: booking.createdAt,
  metadata: booking.metadata,
  attendees: booking.attendees.map(({ name, email, phoneNumber }) => ({ name, email, phoneNumber })),
  latencyMs,
});

/**
 * The one POST to Cal.com for a requested booking, and the facts it produced. An answer that is ours
 * claims its uid (first claimant wins); one that is not only reads who owns it. The decider judges.
 */
export const submitToCalcom = async (deps: UseCaseDeps, bookingId: string, state: Booking, causation: Causation): Promise<void> => {
  if (state.calcomAnswered || !state.attendee || !state.slotStart || !state.callId) return;
  const result = await deps.calcom.createBooking({
    eventTypeId: state.eventTypeId ?? deps.settings.eventTypeId,
    start: state.slotStart,
    attendee: { ...state.attendee, timeZone: deps.settings.timeZone, language: state.language },
    metadata: { call_id: state.callId, booking_ref: bookingId },
  });
  const now = deps.now().toISOString();

  if (result.outcome === 'answered') {
    const answer = toAnswer(result.httpStatus, result.booking, result.latencyMs);
    const looksOurs = duplicateReasonsFor(state, answer, undefined).length === 0;
    const uidOwner = looksOurs
      ? await claimCalcomUid(deps.store, { uid: answer.uid, bookingId, callId: state.callId, now }, causation)
      : await readUidOwner(deps.store, answer.uid);
    const { appended } = await handleBookingCommand(deps.store, bookingId, { type: 'RecordCalcomAnswer', data: { answer, uidOwner, now } }, causation);
    for (const event of appended) if (event.type === 'DuplicateDetected') deps.telemetry.duplicateDetected(event.data.reasons);
    return;
  }
  const reason = result.outcome === 'rejected' ? 'rejected' : result.reason;
  deps.telemetry.log('warn', 'Cal.com did not book', { bookingId, callId: state.callId, reason, httpStatus: result.httpStatus });
  await handleBookingCommand(
    deps.store,
    bookingId,
    { type: 'RecordCalcomFailure', data: { reason, httpStatus: result.httpStatus, message: result.message, latencyMs: result.latencyMs, now } },
    causation,
  );
};

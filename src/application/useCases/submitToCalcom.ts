import { duplicateReasonsFor, type Booking } from '../../domain';
import { calcomAnswerOf } from '../calcomAnswer';
import { handleBookingCommand, type KnownBooking } from '../bookingRepository';
import type { Causation } from '../eventEnvelope';
import type { CreateBookingResult } from '../ports/calcom';
import { searchCalcomFor } from '../searchCalcom';
import { recordCalcomAnswer } from '../recordCalcomAnswer';
import { claimCalcomUid } from '../uidClaims';
import type { UseCaseDeps } from './deps';

/** What the caller asked for and which call it was, in the event type's notes field (at most 500 characters). */
const notesFor = (state: Booking): string =>
  [state.service && `Leistung/Service: ${state.service}`, `Telefonbuchung/Phone booking, Retell call ${state.callId}`].filter(Boolean).join(' · ').slice(0, 500);

/** A create whose outcome we cannot know: Cal.com's 5xx (its own unique-constraint race among them) or a 409 conflict. */
const outcomeUnknown = (result: CreateBookingResult): boolean =>
  (result.outcome === 'unreachable' && result.reason === 'server_error') || (result.outcome === 'rejected' && result.httpStatus === 409);

/**
 * The one POST to Cal.com for a requested booking, and the facts it produced. An answer that is ours
 * claims its uid (first claimant wins); one that is not only reads who owns it. The decider judges.
 * When the outcome is unknown, Cal.com is asked whether it holds the booking before anything is
 * answered, and nothing is ever posted again blindly. Answers the booking as it left it (undefined when
 * there was nothing to post).
 */
export const submitToCalcom = async (deps: UseCaseDeps, bookingId: string, known: KnownBooking, causation: Causation): Promise<KnownBooking | undefined> => {
  const { state } = known;
  if (state.calcomAnswered || !state.attendee || !state.slotStart || !state.callId) return undefined;
  const { notesField } = deps.settings;
  const result = await deps.calcom.createBooking({
    eventTypeId: state.eventTypeId ?? deps.settings.eventTypeId,
    start: state.slotStart,
    attendee: { ...state.attendee, timeZone: deps.settings.timeZone, language: state.language },
    metadata: { call_id: state.callId, booking_ref: bookingId },
    ...(notesField && { bookingFieldsResponses: { [notesField]: notesFor(state) } }),
  });
  const now = deps.now().toISOString();

  if (result.outcome === 'answered') {
    const answer = calcomAnswerOf(result.httpStatus, result.booking, result.latencyMs);
    if (result.booking.seatUid) {
      deps.telemetry.calcomConfigurationError('seated_event_type');
      deps.telemetry.log('error', 'Cal.com answered with a seat of an existing booking: the event type is seated, which this service does not support', {
        alert: 'calcom_seated_event_type',
        bookingId,
        callId: state.callId,
        uid: answer.uid,
      });
    }
    const looksOurs = duplicateReasonsFor(state, answer, undefined).length === 0;
    // Decided on the state the request was recorded with: nothing else writes a booking while its POST is out (a stale one is re-read).
    const recorded = await recordCalcomAnswer(deps.store, known, { bookingId, callId: state.callId, answer, looksOurs, now }, causation);
    for (const event of recorded.appended) if (event.type === 'DuplicateDetected') deps.telemetry.duplicateDetected(event.data.reasons);
    return recorded;
  }
  const reason = result.outcome === 'rejected' ? 'rejected' : result.reason;
  const failure = { reason, httpStatus: result.httpStatus, message: result.message, latencyMs: result.latencyMs } as const;
  deps.telemetry.log('warn', 'Cal.com did not book', { bookingId, callId: state.callId, reason, httpStatus: result.httpStatus });
  if (outcomeUnknown(result)) {
    const { search, booking } = await searchCalcomFor(deps.calcom, state);
    const uidOwner = booking ? await claimCalcomUid(deps.store, { uid: booking.uid, bookingId, callId: state.callId, now }, causation) : undefined;
    return handleBookingCommand(deps.store, bookingId, { type: 'RecordCalcomSearch', data: { purpose: 'unknown_outcome', failure, search, uidOwner, now } }, causation);
  }
  const failed = await handleBookingCommand(deps.store, bookingId, { type: 'RecordCalcomFailure', data: { ...failure, now } }, causation);
  for (const event of failed.appended) {
    if (event.type !== 'CalcomRequestFailed' || (event.data.refusal !== 'booking_field_required' && event.data.refusal !== 'unauthorized')) continue;
    deps.telemetry.calcomConfigurationError(event.data.refusal);
    deps.telemetry.log('error', event.data.refusal === 'unauthorized' ? 'Cal.com refused the API key (CALCOM_API_KEY)' : `The Cal.com event type requires the booking field "${event.data.field}", which the agent cannot fill: make it optional or remove it`, {
      alert: 'calcom_misconfigured',
      refusal: event.data.refusal,
      field: event.data.field,
      bookingId,
    });
  }
  return failed;
};

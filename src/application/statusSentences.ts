import { initialState, type Booking } from '../domain';
import { answerFor } from './agentAnswer';
import { messages, type Language } from './messages';
import { failedMoveAnswer } from './moveAnswer';
import { whichBookingAnswer } from './whichBookingAnswer';

/** A sample slot the table's sentences speak about. */
const SLOT = '2025-10-10T06:00:00.000Z';
const ZONE = 'Europe/Berlin';
const ALTERNATIVE = [{ date: '2025-10-10', time: '08:30', start: '2025-10-10T06:30:00.000Z' }];

const NEW_SLOT = '2025-10-17T07:00:00.000Z';
const moving = (stage: 'requested' | 'unknown'): Partial<Booking> => ({
  move: { moveId: 'm', byCallId: 'c2', fromUid: 'u', fromSlotStart: SLOT, toSlotStart: NEW_SLOT, requestedAt: SLOT, stage },
});
const failedMove = (reason: string): Partial<Booking> => ({ lastMove: { moveId: 'm', fromSlotStart: SLOT, toSlotStart: NEW_SLOT, outcome: 'failed', reason } });

const state = (status: Booking['status'], extra: Partial<Booking> = {}): Booking => ({ ...initialState(), status, bookingId: 'b', callId: 'c', slotStart: SLOT, ...extra });

/**
 * Every status (and the booking states behind it) with the exact sentence the agent says, built by the
 * code that answers (answerFor and the messages), for README's table. A test keeps README in sync.
 */
export const statusSentences = (): Array<{ status: string; when: string; de: string; en: string }> => {
  const both = (say: (language: Language) => string) => ({ de: say('de'), en: say('en') });
  const of = (b: Booking, alternatives = ALTERNATIVE) => (language: Language) => answerFor(b, ZONE, alternatives, language).message;
  return [
    { status: 'confirmed', when: "Cal.com's webhook proved the booking", ...both(of(state('confirmed'))) },
    { status: 'pending', when: 'requested and accepted, not yet proven (`booking_status: awaiting_webhook`)', ...both(of(state('awaiting_webhook'))) },
    { status: 'pending', when: 'the host must confirm (`awaiting_host`)', ...both(of(state('awaiting_host'))) },
    { status: 'pending', when: 'Cal.com timed out or failed: it may or may not have booked (`failed`)', ...both(of(state('failed', { failure: { reason: 'timeout', message: '' } }))) },
    { status: 'pending', when: 'no confirming webhook within the reconciliation window (`unconfirmed`)', ...both(of(state('unconfirmed'))) },
    { status: 'duplicate', when: 'Cal.com handed back another booking: not booked for this caller (with `reasons`, `alternatives`)', ...both(of(state('duplicate'))) },
    { status: 'slot_unavailable', when: 'the slot is taken, outside the booking window, or in the past (with `alternatives`)', ...both(of(state('slot_unavailable'))) },
    { status: 'available', when: '`check_availability`: the time is free', ...both((l) => messages[l].available({ date: '2025-10-10', time: '08:00' })) },
    { status: 'cancelled', when: 'cancelled by the caller, the host or Cal.com', ...both(of(state('cancelled'))) },
    { status: 'cancelled', when: 'the host asked for a new time (`reschedule_requested`)', ...both(of(state('reschedule_requested'))) },
    { status: 'confirmed', when: '`reschedule_appointment`: the BOOKING_RESCHEDULED webhook proved the new time (here 17.10.2025 09:00)', ...both(of(state('confirmed', { slotStart: NEW_SLOT, lastMove: { toSlotStart: NEW_SLOT, outcome: 'moved' } }))) },
    { status: 'pending', when: 'a move Cal.com accepted (or has not answered yet), not yet proven', ...both(of(state('confirmed', moving('requested')))) },
    { status: 'pending', when: "a move whose answer was lost (timeout, 5xx): `success: false`", ...both(of(state('confirmed', moving('unknown')))) },
    { status: 'slot_unavailable', when: 'the new time is taken: the old appointment stands (with `alternatives`)', ...both((l) => failedMoveAnswer(state('confirmed', failedMove('slot_unavailable')), ZONE, ALTERNATIVE, l).message) },
    { status: 'error', when: 'too close to the appointment to move it (Cal.com\'s minimum notice); `retryable: false`', ...both((l) => failedMoveAnswer(state('confirmed', failedMove('too_late')), ZONE, [], l).message) },
    { status: 'error', when: 'Cal.com did not move it (network, or it answered with another booking); `retryable: true`', ...both((l) => failedMoveAnswer(state('confirmed', failedMove('not_moved')), ZONE, [], l).message) },
    { status: 'error', when: 'a booking Cal.com does not hold as confirmed cannot be moved; `retryable: false`', ...both((l) => messages[l].notMovable({ date: '2025-10-10', time: '08:00' })) },
    {
      status: 'several_found',
      when: 'a caller who calls back has several upcoming bookings that match (with `matches`, soonest first)',
      ...both((l) => whichBookingAnswer([state('confirmed'), state('confirmed', { slotStart: NEW_SLOT })], [], ZONE, l).message),
    },
    { status: 'not_found', when: 'no booking of this call or caller for these details', ...both(of(initialState())) },
    { status: 'invalid_input', when: 'arguments missing or unclear (`problems` in English for the LLM)', ...both((l) => messages[l].invalid(['date is missing'])) },
    { status: 'invalid_input', when: 'Cal.com refused the phone number', ...both(of(state('failed', { failure: { reason: 'rejected', message: '', refusal: 'invalid_phone' } }))) },
    { status: 'error', when: 'nothing was booked (network, circuit open); `retryable: true`', ...both(of(state('failed', { failure: { reason: 'network', message: '' } }))) },
    { status: 'error', when: 'our Cal.com request budget is used up for the moment; `retryable: true`', ...both(of(state('failed', { failure: { reason: 'rate_limited', message: '' } }))) },
    { status: 'error', when: 'Cal.com is set up wrong (API key, required booking field); `retryable: false`', ...both(of(state('failed', { failure: { reason: 'rejected', message: '', refusal: 'unauthorized' } }))) },
  ];
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The README table, between its markers. */
export const statusTableMarkdown = (): string =>
  ['| `status` | when | German (default) | English |', '| --- | --- | --- | --- |', ...statusSentences().map((r) => `| \`${r.status}\` | ${cell(r.when)} | ${cell(r.de)} | ${cell(r.en)} |`)].join('\n');

export const STATUS_TABLE_START = '<!-- status-table:start (generated by `npm run docs:statuses` from src/application/statusSentences.ts) -->';
export const STATUS_TABLE_END = '<!-- status-table:end -->';

import { z } from 'zod';
import type { Booking, BookingStatus } from '../domain';
import { localParts } from './localTime';
import { messages, type Language } from './messages';
import { movingAnswer } from './moveAnswer';

const agentStatuses = [
  'confirmed',
  'pending',
  'duplicate',
  'slot_unavailable',
  'invalid_input',
  'error',
  'available',
  'cancelled',
  'not_found',
  /** A caller who calls back has several bookings matching what they said: the agent asks which one. */
  'several_found',
] as const;

const bookingStatuses = [
  'none', 'requested', 'awaiting_webhook', 'awaiting_host', 'confirmed', 'duplicate', 'slot_unavailable', 'failed', 'unconfirmed', 'cancelled', 'rejected', 'reschedule_requested',
] as const satisfies readonly BookingStatus[];
// Every BookingStatus is listed above (compile error otherwise).
const everyBookingStatus: Record<Exclude<BookingStatus, (typeof bookingStatuses)[number]>, never> = {};
void everyBookingStatus;

const slotSchema = z.object({
  date: z.string().describe('Local date in BOOKING_TIMEZONE, YYYY-MM-DD'),
  time: z.string().describe('Local time in BOOKING_TIMEZONE, HH:mm'),
  start: z.string().describe('The same instant in UTC, ISO 8601'),
});

/** The JSON the voice agent receives. `message` is what it says; the rest is for its tools and analysts. */
export const agentAnswerSchema = z
  .object({
    success: z.boolean(),
    status: z.enum(agentStatuses),
    message: z.string().describe('What the agent says to the caller (German by default, English on request)'),
    booking_id: z.string().optional(),
    booking_status: z.enum(bookingStatuses).optional().describe("The booking's state in the ledger (e.g. awaiting_webhook, duplicate)"),
    appointment: slotSchema.extend({ service: z.string().optional() }).optional(),
    matches: z
      .array(slotSchema.extend({ service: z.string().optional() }))
      .optional()
      .describe("several_found: the caller's bookings that match, soonest first (ask which one; call again with its date and time)"),
    alternatives: z.array(slotSchema).optional().describe('Free times to offer instead (slot_unavailable, duplicate, available)'),
    reasons: z.array(z.string()).optional().describe('duplicate: why Cal.com\'s answer was not this booking'),
    problems: z.array(z.string()).optional().describe('invalid_input: what is wrong with the arguments, in English, for the agent\'s LLM'),
    retryable: z.boolean().optional(),
  })
  .meta({ description: 'Business outcome of a Retell function (always HTTP 200)' });

export type AgentStatus = (typeof agentStatuses)[number];
export type AgentAnswer = z.infer<typeof agentAnswerSchema>;

export type Alternatives = NonNullable<AgentAnswer['alternatives']>;

/** States in which the caller can be told something definite (or which no waiting will change soon). */
export const isAnswerable = (state: Booking): boolean =>
  !['none', 'requested', 'awaiting_webhook'].includes(state.status);

export const answerFor = (state: Booking, timeZone: string, alternatives: Alternatives = [], language: Language = state.language): AgentAnswer => {
  const say = messages[language];
  const slot = localParts(state.slotStart ?? new Date(0).toISOString(), timeZone);
  const base = { booking_id: state.bookingId, booking_status: state.status, appointment: slot };
  if (state.move) return movingAnswer(state, timeZone, language);
  switch (state.status) {
    case 'confirmed': {
      const moved = state.lastMove?.outcome === 'moved' && state.lastMove.toSlotStart === state.slotStart;
      return { ...base, success: true, status: 'confirmed', message: moved ? say.moved(slot) : say.confirmed(slot) };
    }
    case 'requested':
    case 'awaiting_webhook':
      return { ...base, success: true, status: 'pending', message: say.pending(slot) };
    case 'awaiting_host':
      return { ...base, success: true, status: 'pending', message: say.awaitingHost(slot) };
    case 'duplicate':
      return { ...base, success: false, status: 'duplicate', message: say.duplicate(slot, alternatives), alternatives, reasons: state.duplicate?.reasons };
    case 'slot_unavailable':
      return { ...base, success: false, status: 'slot_unavailable', message: say.slotUnavailable(slot, alternatives), alternatives };
    case 'failed': {
      // A timeout or a 5xx may still have created the booking: say "pending", never "booked", never "free".
      const failure = state.failure;
      const mayExist = failure?.reason === 'timeout' || failure?.reason === 'server_error';
      if (mayExist) return { ...base, success: false, status: 'pending', message: say.outcomeUnknown(slot) };
      if (failure?.refusal === 'invalid_phone') {
        return { ...base, success: false, status: 'invalid_input', message: say.phoneRefused(), problems: ['phone was refused by the calendar: ask the caller for the number again'] };
      }
      // The event type or the API key is set up wrong: trying again will not help.
      if (failure?.refusal === 'booking_field_required' || failure?.refusal === 'unauthorized') {
        return { ...base, success: false, status: 'error', message: say.misconfigured(), retryable: false };
      }
      if (failure?.reason === 'rate_limited') return { ...base, success: false, status: 'error', message: say.busy(), retryable: true };
      return { ...base, success: false, status: 'error', message: say.error(), retryable: true };
    }
    case 'unconfirmed':
      return { ...base, success: false, status: 'pending', message: say.unconfirmed(slot) };
    case 'cancelled':
    case 'rejected':
      return { ...base, success: false, status: 'cancelled', message: say.cancelled(slot) };
    case 'reschedule_requested':
      return { ...base, success: false, status: 'cancelled', message: say.rescheduleRequested(slot) };
    case 'none':
      return { success: false, status: 'not_found', message: say.notFound() };
  }
};

import type { Booking, BookingStatus } from '../domain';
import { localParts } from './localTime';
import { messages, type Language } from './messages';

export type AgentStatus =
  | 'confirmed'
  | 'pending'
  | 'duplicate'
  | 'slot_unavailable'
  | 'invalid_input'
  | 'error'
  | 'available'
  | 'cancelled'
  | 'not_found';

/** The JSON the voice agent receives. `message` is what it says; the rest is for its tools and analysts. */
export interface AgentAnswer {
  success: boolean;
  status: AgentStatus;
  message: string;
  booking_id?: string;
  /** The booking's state in the ledger (e.g. awaiting_webhook, duplicate). */
  booking_status?: BookingStatus;
  appointment?: { date: string; time: string; start: string; service?: string };
  alternatives?: Array<{ date: string; time: string; start: string }>;
  reasons?: string[];
  /** invalid_input: what is wrong with the arguments, in English, for the agent's LLM. */
  problems?: string[];
  retryable?: boolean;
}

export type Alternatives = NonNullable<AgentAnswer['alternatives']>;

/** States in which the caller can be told something definite (or which no waiting will change soon). */
export const isAnswerable = (state: Booking): boolean =>
  !['none', 'requested', 'awaiting_webhook'].includes(state.status);

export const answerFor = (state: Booking, timeZone: string, alternatives: Alternatives = [], language: Language = state.language): AgentAnswer => {
  const say = messages[language];
  const slot = localParts(state.slotStart ?? new Date(0).toISOString(), timeZone);
  const base = { booking_id: state.bookingId, booking_status: state.status, appointment: slot };
  switch (state.status) {
    case 'confirmed':
      return { ...base, success: true, status: 'confirmed', message: say.confirmed(slot) };
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
      const mayExist = state.failure?.reason === 'timeout' || state.failure?.reason === 'server_error';
      return mayExist
        ? { ...base, success: false, status: 'pending', message: say.pending(slot) }
        : { ...base, success: false, status: 'error', message: say.error(), retryable: true };
    }
    case 'unconfirmed':
      return { ...base, success: false, status: 'pending', message: say.unconfirmed(slot) };
    case 'cancelled':
    case 'rejected':
      return { ...base, success: false, status: 'cancelled', message: say.cancelled(slot) };
    case 'none':
      return { success: false, status: 'not_found', message: say.notFound() };
  }
};

import { bookingIdFor, initialState } from '../../domain';
import { answerFor, type AgentAnswer } from '../agentAnswer';
import { loadBooking } from '../bookingRepository';
import type { Language } from '../messages';
import type { RequestContext, UseCaseDeps } from './deps';

export interface BookingLookupInput {
  bookingId?: string;
  slotStartUtc?: string;
  reason?: string;
  language?: Language;
}

/** The booking named by id, or by this call and slot (the id is deterministic). */
const bookingIdOf = (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): string =>
  input.bookingId ?? bookingIdFor(ctx.callId, deps.settings.eventTypeId, input.slotStartUtc!);

/** The booking as this call may see it: another call's booking is treated as not found. */
export const loadOwnBooking = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput) => {
  const bookingId = bookingIdOf(deps, ctx, input);
  const { state } = await loadBooking(deps.store, bookingId);
  return { bookingId, state: state.callId === undefined || state.callId === ctx.callId ? state : initialState() };
};

/** What the ledger knows about a booking right now, as the agent should say it. */
export const getBookingStatus = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): Promise<AgentAnswer> => {
  const { state } = await loadOwnBooking(deps, ctx, input);
  return answerFor(state, deps.settings.timeZone, [], input.language ?? (state.status === 'none' ? deps.settings.defaultLanguage : state.language));
};

import { bookingIdFor } from '../../domain';
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
export const bookingIdOf = (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): string =>
  input.bookingId ?? bookingIdFor(ctx.callId, deps.settings.eventTypeId, input.slotStartUtc!);

/** What the ledger knows about a booking right now, as the agent should say it. */
export const getBookingStatus = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): Promise<AgentAnswer> => {
  const { state } = await loadBooking(deps.store, bookingIdOf(deps, ctx, input));
  return answerFor(state, deps.settings.timeZone, [], input.language ?? (state.status === 'none' ? deps.settings.defaultLanguage : state.language));
};

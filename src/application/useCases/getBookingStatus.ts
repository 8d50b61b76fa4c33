import { bookingIdFor, initialState, type Booking } from '../../domain';
import { answerFor, type AgentAnswer } from '../agentAnswer';
import { DEFAULT_PRACTICE_ID } from '../practice';
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

/**
 * May this call touch the booking? Only a booking of the same call, or of the same trusted caller
 * number (Retell's `call.from_number`): an id the model supplies proves nothing on its own.
 */
export const mayTouch = (state: Booking, ctx: RequestContext, practiceId: string): boolean =>
  (state.practiceId ?? DEFAULT_PRACTICE_ID) === practiceId &&
  (state.callId === ctx.callId || (ctx.callerNumber !== undefined && state.callerNumber === ctx.callerNumber));

/** The booking as this call may see it: anyone else's booking is treated as not found. */
export const loadOwnBooking = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput) => {
  const bookingId = bookingIdOf(deps, ctx, input);
  const { state } = await loadBooking(deps.store, bookingId);
  return { bookingId, state: state.status === 'none' || mayTouch(state, ctx, deps.settings.practiceId) ? state : initialState() };
};

/** What the ledger knows about a booking right now, as the agent should say it. */
export const getBookingStatus = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): Promise<AgentAnswer> => {
  const { state } = await loadOwnBooking(deps, ctx, input);
  return answerFor(state, deps.settings.timeZone, [], input.language ?? (state.status === 'none' ? deps.settings.defaultLanguage : state.language));
};

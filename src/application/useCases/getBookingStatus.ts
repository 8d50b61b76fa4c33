import { answerFor, type AgentAnswer } from '../agentAnswer';
import { whichBookingAnswer } from '../whichBookingAnswer';
import type { RequestContext, UseCaseDeps } from './deps';
import { findCallerBooking, type BookingLookupInput } from './findCallerBooking';

export { mayTouch, type BookingLookupInput } from './findCallerBooking';

/** What the ledger knows about the caller's booking right now, as the agent should say it. */
export const getBookingStatus = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): Promise<AgentAnswer> => {
  const { timeZone, services, defaultLanguage } = deps.settings;
  const language = input.language ?? defaultLanguage;
  const found = await findCallerBooking(deps, ctx, input, language);
  switch (found.found) {
    case 'invalid':
      return found.answer;
    case 'several':
      return whichBookingAnswer(found.bookings, services, timeZone, language);
    case 'none':
      return answerFor({ status: 'none', language, deliveries: [], calcomAnswered: false }, timeZone, [], language);
    case 'one':
      return answerFor(found.state, timeZone, [], input.language ?? found.state.language);
  }
};

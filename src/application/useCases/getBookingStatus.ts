import { answerFor, type AgentAnswer } from '../agentAnswer';
import type { RequestContext, UseCaseDeps } from './deps';
import { findCallerBooking, notOneAnswer, type BookingLookupInput } from './findCallerBooking';

export { mayTouch, type BookingLookupInput } from './findCallerBooking';

/** What the ledger knows about the caller's booking right now, as the agent should say it. */
export const getBookingStatus = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput): Promise<AgentAnswer> => {
  const language = input.language ?? deps.settings.defaultLanguage;
  const found = await findCallerBooking(deps, ctx, input, language);
  if (found.found !== 'one') return notOneAnswer(deps, found, language);
  return answerFor(found.state, deps.settings.timeZone, [], input.language ?? found.state.language);
};

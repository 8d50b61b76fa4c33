import type { AgentAnswer } from '../agentAnswer';
import { messages, type Language } from '../messages';
import { matchService, serviceNames, type Service } from '../practice';
import type { UseCaseDeps } from './deps';

/**
 * The practice's service the caller's words name, or the answer that asks which one (listing what the
 * practice offers, in words the agent can read out). With a single service, none need be named.
 */
export const chooseService = (deps: UseCaseDeps, words: string | undefined, language: Language): { service: Service } | { answer: AgentAnswer } => {
  const service = matchService(deps.settings.services, words);
  if (service) return { service };
  const offered = serviceNames(deps.settings.services, language);
  const problem = words === undefined ? `service is missing; offered: ${serviceNames(deps.settings.services, 'en').join(', ')}` : `service '${words}' is not offered; offered: ${serviceNames(deps.settings.services, 'en').join(', ')}`;
  return { answer: { success: false, status: 'invalid_input', message: messages[language].whichService(offered), problems: [problem] } };
};

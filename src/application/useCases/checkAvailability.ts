import type { AgentAnswer } from '../agentAnswer';
import { localDayRange, localParts } from '../localTime';
import { messages, type Language } from '../messages';
import { chooseService } from './chooseService';
import type { UseCaseDeps } from './deps';
import { reportRefusedApiKey } from '../refusedApiKey';

export interface CheckAvailabilityInput {
  localDate: string;
  service?: string;
  slotStartUtc?: string;
  language?: Language;
}

/** Free slots of a day from Cal.com; with a time, whether that slot is free (and what is, if not). */
export const checkAvailability = async (deps: UseCaseDeps, input: CheckAvailabilityInput): Promise<AgentAnswer> => {
  const { timeZone, defaultLanguage } = deps.settings;
  const say = messages[input.language ?? defaultLanguage];
  const chosen = chooseService(deps, input.service, input.language ?? defaultLanguage);
  if ('answer' in chosen) return chosen.answer;
  const { eventTypeId } = chosen.service;
  const day = localDayRange(input.localDate, timeZone);
  const result = await deps.calcom.getSlots({ eventTypeId, start: day.start, end: day.end, timeZone });
  if (result.outcome === 'rejected' && (result.httpStatus === 401 || result.httpStatus === 403)) {
    reportRefusedApiKey(deps.telemetry);
    return { success: false, status: 'error', message: say.misconfigured(), retryable: false };
  }
  if (result.outcome !== 'ok') return { success: false, status: 'error', message: result.outcome === 'unreachable' && result.reason === 'rate_limited' ? say.busy() : say.calendarUnreachable(), retryable: true };

  const now = deps.now().getTime();
  const free = result.slots.filter((s) => Date.parse(s) > now).map((s) => localParts(s, timeZone));
  if (!input.slotStartUtc) {
    return { success: true, status: free.length ? 'available' : 'slot_unavailable', message: say.dayOptions(input.localDate, free), alternatives: free };
  }
  const wanted = localParts(input.slotStartUtc, timeZone);
  if (free.some((s) => s.start === wanted.start)) return { success: true, status: 'available', message: say.available(wanted), appointment: wanted };
  const nearest = [...free]
    .sort((a, b) => Math.abs(Date.parse(a.start) - Date.parse(wanted.start)) - Math.abs(Date.parse(b.start) - Date.parse(wanted.start)))
    .slice(0, 3)
    .sort((a, b) => a.start.localeCompare(b.start));
  return { success: true, status: 'slot_unavailable', message: say.slotUnavailable(wanted, nearest), appointment: wanted, alternatives: nearest };
};

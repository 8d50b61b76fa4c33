import type { Alternatives } from '../agentAnswer';
import { localDayRange, localParts } from '../localTime';
import type { UseCaseDeps } from './deps';

/** Up to `count` free slots nearest to the wanted one, on its day or the next (empty when Cal.com can't say). */
export const findAlternatives = async (deps: UseCaseDeps, slotStartUtc: string, eventTypeId = deps.settings.eventTypeId, count = 3): Promise<Alternatives> => {
  const { timeZone } = deps.settings;
  const range = localDayRange(localParts(slotStartUtc, timeZone).date, timeZone, 1);
  const result = await deps.calcom.getSlots({ eventTypeId, start: range.start, end: range.end, timeZone });
  if (result.outcome !== 'ok') return [];
  const wanted = Date.parse(slotStartUtc);
  const now = deps.now().getTime();
  return result.slots
    .filter((s) => Date.parse(s) !== wanted && Date.parse(s) > now)
    .sort((a, b) => Math.abs(Date.parse(a) - wanted) - Math.abs(Date.parse(b) - wanted))
    .slice(0, count)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .map((s) => localParts(s, timeZone));
};

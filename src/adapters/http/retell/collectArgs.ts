import { toE164, type PhoneRegion } from '../../../application/phoneNumber';
import { emailProblem, labelOf, parseLanguage, readFields, type Field } from './argFields';
import { assertTimeZone, parseLocalDate, parseLocalTime, wallClockToUtc, type LocalDate, type LocalTime } from './wallClock';

/**
 * The shared first step of every argument parser: read the fields, report missing required ones
 * (unless already reported as malformed), and parse date, time, slot, email, phone and language.
 * Problems accumulate; the caller decides what else is required.
 */

export interface Slot { date?: LocalDate; time?: LocalTime; slotStartUtc?: string }

export const collectArgs = (args: Record<string, unknown>, fields: readonly Field[], required: readonly Field[], timeZone: string, phoneRegion: PhoneRegion = 'DE') => {
  assertTimeZone(timeZone);
  const { values, problems, rejected } = readFields(args, fields);
  for (const field of required) {
    if (values[field] === undefined && !rejected.has(field)) problems.push(`${labelOf(field)} is missing`);
  }
  const slot: Slot = {};
  const note = <T>(parsed: { ok: true; value: T } | { ok: false; problem: string }): T | undefined => {
    if (parsed.ok) return parsed.value;
    problems.push(parsed.problem);
    return undefined;
  };
  if (values.date !== undefined) slot.date = note(parseLocalDate(values.date));
  if (values.time !== undefined) slot.time = note(parseLocalTime(values.time));
  if (slot.date && slot.time) slot.slotStartUtc = note(wallClockToUtc(slot.date, slot.time, timeZone));
  const emailIssue = values.email && emailProblem(values.email);
  if (emailIssue) problems.push(emailIssue);
  if (values.phone !== undefined) {
    // Cal.com refuses national formats: the number goes on as E.164, read in the practice's region.
    const phone = toE164(values.phone, phoneRegion);
    if ('problem' in phone) problems.push(phone.problem);
    else values.phone = phone.e164;
  }
  const language = values.language === undefined ? {} : parseLanguage(values.language);
  if (language.problem) problems.push(language.problem);
  return { values, problems, rejected, slot, language: language.language };
};

export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

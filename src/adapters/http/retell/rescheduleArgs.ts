import { parseBookingLookupArgs, slotProblem, type ArgsResult, type BookingLookupArgs } from './bookingArgs';
import { readFields } from './argFields';
import { functionSpecs } from './functionSpecs';
import { parseLocalDate, parseLocalTime, wallClockToUtc, type Parsed } from './wallClock';

export interface RescheduleArgs extends BookingLookupArgs {
  /** The new time (UTC). */
  newSlotStartUtc: string;
  newLocalDate: string;
  newLocalTime: string;
}

/** A problem about `date`/`time` names `new_date`/`new_time` when it is about the new time. */
const renamed = <T>(parsed: Parsed<T>, problems: string[]): T | undefined => {
  if (parsed.ok) return parsed.value;
  problems.push(parsed.problem.replace(/^date /, 'new_date ').replace(/^time /, 'new_time '));
  return undefined;
};

/**
 * reschedule_appointment: new_date and new_time are required (not in the past, within the horizon);
 * the booking to move is found as for cancel_appointment (booking_id, its date and time, a service, or
 * the caller's number alone).
 */
export const parseRescheduleArgs = (args: Record<string, unknown>, options: { timeZone: string; now?: Date; horizonDays?: number }): ArgsResult<RescheduleArgs> => {
  const { fields } = functionSpecs.reschedule_appointment;
  const lookup = parseBookingLookupArgs(args, { timeZone: options.timeZone, fields: fields.filter((f) => f !== 'newDate' && f !== 'newTime') });
  const { values, problems, rejected } = readFields(args, ['newDate', 'newTime']);
  if (values.newDate === undefined && !rejected.has('newDate')) problems.push('new_date is missing');
  if (values.newTime === undefined && !rejected.has('newTime')) problems.push('new_time is missing');
  const date = values.newDate === undefined ? undefined : renamed(parseLocalDate(values.newDate), problems);
  const time = values.newTime === undefined ? undefined : renamed(parseLocalTime(values.newTime), problems);
  const newSlotStartUtc = date && time ? renamed(wallClockToUtc(date, time, options.timeZone), problems) : undefined;
  const slotIssue = slotProblem({ date, time, slotStartUtc: newSlotStartUtc }, options.now ?? new Date(), options.horizonDays ?? 365);
  if (slotIssue) problems.push(`new_date ${slotIssue}`);
  const all = [...(lookup.ok ? [] : lookup.problems), ...problems];
  if (all.length > 0 || !lookup.ok || !newSlotStartUtc) return { ok: false, problems: all };
  return { ok: true, value: { ...lookup.value, newSlotStartUtc, newLocalDate: date!.text, newLocalTime: time!.text } };
};

import type { PhoneRegion } from '../../../application/phoneNumber';
import { nameProblem, type Field, type Language } from './argFields';
import { collectArgs, optional } from './collectArgs';
import { functionSpecs, requiredFields } from './functionSpecs';
import { dayBoundsUtc } from './wallClock';

/**
 * Normalises the arguments of our four Retell functions. Dates and times are wall-clock values in
 * the business's time zone (`timeZone`, IANA) and come back as UTC instants (ISO, `Z`). Every
 * problem found is reported, as a short English sentence the use case turns into speech.
 * An unknown time zone is a configuration bug and throws.
 */

export type ArgsResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };
export type { Language };

export interface BookArgs {
  slotStartUtc: string;
  localDate: string;
  localTime: string;
  name: string;
  service?: string;
  email?: string;
  phone?: string;
  language?: Language;
}

export interface AvailabilityArgs {
  localDate: string;
  service?: string;
  localTime?: string;
  dayStartUtc: string;
  /** Exclusive: the start of the next local day. */
  dayEndUtc: string;
  slotStartUtc?: string;
  language?: Language;
}

export interface BookingLookupArgs {
  bookingId?: string;
  slotStartUtc?: string;
  day?: { startUtc: string; endUtc: string };
  service?: string;
  localDate?: string;
  localTime?: string;
  reason?: string;
  language?: Language;
}

export interface BookArgsOptions {
  timeZone: string;
  /** Default: the current time. */
  now?: Date;
  /** National phone numbers are read in this region (default DE). */
  phoneRegion?: PhoneRegion;
  /** How far ahead a slot may be, in days (default 365). */
  horizonDays?: number;
}

const DAY_MS = 86_400_000;

/** A slot in the past or beyond the booking horizon is a problem (the model can be talked into year 9999). */
export const slotProblem = (slot: { date?: { text: string }; time?: { text: string }; slotStartUtc?: string }, now: Date, horizonDays: number): string | undefined => {
  if (!slot.slotStartUtc) return undefined;
  const at = Date.parse(slot.slotStartUtc);
  if (at <= now.getTime()) return `${slot.date!.text} ${slot.time!.text} is in the past`;
  if (at > now.getTime() + horizonDays * DAY_MS) return `${slot.date!.text} is more than ${horizonDays} days ahead`;
  return undefined;
};

/** name, date and time are required; a slot in the past or beyond the horizon, or a name without letters, is a problem. */
export const parseBookArgs = (args: Record<string, unknown>, options: BookArgsOptions): ArgsResult<BookArgs> => {
  const { fields } = functionSpecs.book_appointment;
  const { values, problems, slot, language } = collectArgs(args, fields, requiredFields('book_appointment'), options.timeZone, options.phoneRegion);
  const slotIssue = slotProblem(slot, options.now ?? new Date(), options.horizonDays ?? 365);
  if (slotIssue) problems.push(slotIssue);
  const nameIssue = values.name !== undefined ? nameProblem(values.name) : undefined;
  if (nameIssue) problems.push(nameIssue);
  if (problems.length > 0 || !slot.slotStartUtc || values.name === undefined) return { ok: false, problems };
  return {
    ok: true,
    value: {
      slotStartUtc: slot.slotStartUtc,
      localDate: slot.date!.text,
      localTime: slot.time!.text,
      name: values.name,
      ...optional('service', values.service),
      ...optional('email', values.email),
      ...optional('phone', values.phone),
      ...optional('language', language),
    },
  };
};

/** date is required, time optional; past days are fine (the use case filters past slots), days beyond the horizon are not. */
export const parseAvailabilityArgs = (args: Record<string, unknown>, options: { timeZone: string; now?: Date; horizonDays?: number }): ArgsResult<AvailabilityArgs> => {
  const { values, problems, slot, language } = collectArgs(args, functionSpecs.check_availability.fields, requiredFields('check_availability'), options.timeZone);
  const horizonDays = options.horizonDays ?? 365;
  if (slot.date && Date.parse(dayBoundsUtc(slot.date, options.timeZone).dayStartUtc) > (options.now ?? new Date()).getTime() + horizonDays * DAY_MS) {
    problems.push(`${slot.date.text} is more than ${horizonDays} days ahead`);
  }
  if (problems.length > 0 || !slot.date) return { ok: false, problems };
  return {
    ok: true,
    value: {
      localDate: slot.date.text,
      ...optional('service', values.service),
      ...optional('localTime', slot.time?.text),
      ...dayBoundsUtc(slot.date, options.timeZone),
      ...optional('slotStartUtc', slot.slotStartUtc),
      ...optional('language', language),
    },
  };
};

/**
 * booking_id, or date and time, or (for a caller who calls back) a date, a service or nothing at all:
 * the use case finds the caller's bookings by the trusted number. A time without a date is a problem.
 * `reason` is read for cancel_appointment only (`fields`, default: its fields).
 */
export const parseBookingLookupArgs = (
  args: Record<string, unknown>,
  options: { timeZone: string; fields?: readonly Field[] },
): ArgsResult<BookingLookupArgs> => {
  const fields = options.fields ?? functionSpecs.cancel_appointment.fields;
  const { values, problems, slot, language } = collectArgs(args, fields, [], options.timeZone);
  if (values.bookingId === undefined && values.time !== undefined && values.date === undefined) problems.push('date is missing (give date and time, or booking_id)');
  if (problems.length > 0) return { ok: false, problems };
  const day = slot.date && !slot.time ? dayBoundsUtc(slot.date, options.timeZone) : undefined;
  return {
    ok: true,
    value: {
      ...optional('bookingId', values.bookingId),
      ...optional('slotStartUtc', slot.slotStartUtc),
      ...optional('day', day && { startUtc: day.dayStartUtc, endUtc: day.dayEndUtc }),
      ...optional('localDate', slot.date?.text),
      ...optional('localTime', slot.time?.text),
      ...optional('service', values.service),
      ...optional('reason', values.reason),
      ...optional('language', language),
    },
  };
};

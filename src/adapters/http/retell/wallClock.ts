import { DateTime, IANAZone } from 'luxon';
import { createMemo } from '../../../application/memo';

/**
 * Spoken-style dates and times as the voice agent writes them, read as wall-clock time in the
 * business's IANA time zone and turned into UTC instants. Problems are short English sentences.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
export interface LocalDate { year: number; month: number; day: number; text: string /* YYYY-MM-DD */ }
export interface LocalTime { hour: number; minute: number; text: string /* HH:mm */ }

const pad = (n: number): string => String(n).padStart(2, '0');
const fail = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const GERMAN_SHORT_YEAR = /^\d{1,2}\.\d{1,2}\.\d{2}$/;
/** 8 | 08:00 | 8.00 | 8:00:00 | 8 Uhr | 8:00 Uhr | 8h | 2 pm | 2:30 p.m. */
const TIME = /^(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?\s*(uhr|h|am|pm|a\.m\.|p\.m\.)?$/;

/** Zones already checked: `isValidZone` builds an Intl.DateTimeFormat each time (≈0.2 ms, every request). */
const validZones = new Set<string>();

export const assertTimeZone = (timeZone: string): void => {
  if (validZones.has(timeZone)) return;
  if (!IANAZone.isValidZone(timeZone)) throw new Error(`unknown IANA time zone '${timeZone}'`);
  validZones.add(timeZone);
};

export const parseLocalDate = (text: string): Parsed<LocalDate> => {
  const iso = ISO_DATE.exec(text);
  const german = iso ? null : GERMAN_DATE.exec(text);
  if (!iso && !german) {
    if (GERMAN_SHORT_YEAR.test(text)) return fail(`date '${text}' needs a 4-digit year (use YYYY-MM-DD or DD.MM.YYYY)`);
    return fail(`date '${text}' is not a valid date (use YYYY-MM-DD or DD.MM.YYYY)`);
  }
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : [german![3], german![2], german![1]];
  const [year, month, day] = [Number(y), Number(m), Number(d)];
  if (!DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).isValid) {
    return fail(`date '${text}' does not exist in the calendar`);
  }
  return { ok: true, value: { year, month, day, text: `${year}-${pad(month)}-${pad(day)}` } };
};

export const parseLocalTime = (text: string): Parsed<LocalTime> => {
  const invalid = fail(`time '${text}' is not a valid time (use HH:mm)`);
  const match = TIME.exec(text.toLowerCase().replace(/\s+/g, ' '));
  if (!match) return invalid;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  if (match[3] !== undefined && match[3] !== '00') return invalid;
  const meridiem = match[4]?.replace(/\./g, '');
  if (meridiem === 'am' || meridiem === 'pm') {
    if (hour < 1 || hour > 12) return invalid;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return invalid;
  return { ok: true, value: { hour, minute, text: `${pad(hour)}:${pad(minute)}` } };
};

const remembered = createMemo<Parsed<string>>(2_000);

/**
 * The UTC instant (ISO, `Z`) of a wall-clock time; DST gaps and repeated hours are problems.
 * Remembered per date, time and zone (the same few slots are asked for again and again).
 */
export const wallClockToUtc = (date: LocalDate, time: LocalTime, timeZone: string): Parsed<string> => ({
  ...remembered(`${date.year}-${date.month}-${date.day} ${time.hour}:${time.minute} ${timeZone} ${date.text} ${time.text}`, () => computeWallClockToUtc(date, time, timeZone)),
});

const computeWallClockToUtc = (date: LocalDate, time: LocalTime, timeZone: string): Parsed<string> => {
  const local = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute }, { zone: timeZone });
  if (!local.isValid || local.hour !== time.hour || local.minute !== time.minute || local.day !== date.day) {
    return fail(`time '${time.text}' does not exist on ${date.text} in ${timeZone} (the clocks skip it)`);
  }
  if (local.getPossibleOffsets().length > 1) {
    return fail(`time '${time.text}' occurs twice on ${date.text} in ${timeZone} (the clocks go back); choose another time`);
  }
  return { ok: true, value: local.toUTC().toISO()! };
};

/** The local day as a half-open UTC range [start, end): end is the next day's start. */
export const dayBoundsUtc = (date: LocalDate, timeZone: string): { dayStartUtc: string; dayEndUtc: string } => {
  const start = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: timeZone }).startOf('day');
  return { dayStartUtc: start.toUTC().toISO()!, dayEndUtc: start.plus({ days: 1 }).startOf('day').toUTC().toISO()! };
};

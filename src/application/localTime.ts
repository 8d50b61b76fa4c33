import { DateTime } from 'luxon';
import { createMemo } from './memo';

const remembered = createMemo<{ date: string; time: string; start: string }>(2_000);

/** A UTC instant as the caller says it: date and time in the practice's time zone (remembered: slots repeat). */
export const localParts = (utcIso: string, timeZone: string): { date: string; time: string; start: string } => ({
  ...remembered(`${utcIso} ${timeZone}`, () => {
    const local = DateTime.fromISO(utcIso, { zone: 'utc' }).setZone(timeZone);
    return { date: local.toFormat('yyyy-MM-dd'), time: local.toFormat('HH:mm'), start: new Date(utcIso).toISOString() };
  }),
});

/** Start and end (UTC) of the local calendar day `date` (YYYY-MM-DD) in `timeZone`, plus `extraDays`. */
export const localDayRange = (date: string, timeZone: string, extraDays = 0): { start: string; end: string } => {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { start: start.toUTC().toISO()!, end: start.plus({ days: extraDays }).endOf('day').toUTC().toISO()! };
};

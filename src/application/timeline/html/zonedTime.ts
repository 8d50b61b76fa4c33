import { DateTime } from 'luxon';

/** An instant as the page shows it: in one IANA zone (a practice's, or UTC). */
export interface ZonedTime {
  date: string;
  time: string;
  /** `+02:00`, or `Z` in UTC. */
  offset: string;
}

export const inZone = (iso: string, zone: string): ZonedTime => {
  const at = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
  if (!at.isValid) return { date: iso.slice(0, 10), time: iso.slice(11, 23), offset: 'Z' };
  return { date: at.toFormat('yyyy-MM-dd'), time: at.toFormat('HH:mm:ss.SSS'), offset: zone === 'UTC' ? 'Z' : at.toFormat('ZZ') };
};

/** `2025-10-06 11:05:21 +02:00` (seconds only: for labels and the as-of line). */
export const shortZoned = (iso: string, zone: string): string => {
  const t = inZone(iso, zone);
  return `${t.date} ${t.time.slice(0, 8)} ${t.offset === 'Z' ? 'UTC' : t.offset}`;
};

/** A local date-time typed in `zone` (`2025-10-06 11:39`, seconds optional) as an instant; undefined when it is not one. */
export const parseLocal = (text: string, zone: string): Date | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)$/.exec(text.trim());
  if (!m) return undefined;
  const at = DateTime.fromISO(`${m[1]}T${m[2]}`, { zone });
  return at.isValid ? at.toJSDate() : undefined;
};

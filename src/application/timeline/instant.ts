/** A UTC date (`2025-10-06`, midnight UTC) or a date-time with a zone (`2025-10-06T09:20:00Z`, `…+02:00`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** Parses an ISO 8601 instant; undefined when it is not one (a time without a zone is ambiguous: refused). */
export const parseInstant = (text: string): Date | undefined => {
  const trimmed = text.trim();
  if (!ISO_INSTANT.test(trimmed)) return undefined;
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined; // 2025-02-30 is no day
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

export const INSTANT_HINT = 'an ISO 8601 instant with a zone, e.g. 2025-10-06T09:20:00Z (or a date, 2025-10-06, meaning midnight UTC)';

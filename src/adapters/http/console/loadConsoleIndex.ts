import { DateTime } from 'luxon';
import { callerNumberPattern, findAbandonedDeliveries, findAuditFindings, findDuplicateFindings, findParked, findRecentCalls, findUnconfirmedBookings, findWebhookMismatches } from '../../../projections';
import type { HttpContext } from '../httpContext';
import type { ConsoleIndex, IndexFilter } from './indexPage';

/** The day `date` (YYYY-MM-DD) in `zone`, as [start, end). */
const dayIn = (date: string, zone: string): { from: Date; to: Date } | undefined => {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  return start.isValid ? { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() } : undefined;
};

/** Everything the console's front page shows, for one filter: the recent calls it matches and the open findings. */
export const loadConsoleIndex = async (ctx: HttpContext, filter: IndexFilter): Promise<ConsoleIndex> => {
  const practices = ctx.practices.all().map((p) => ({ id: p.id, name: p.name, timeZone: p.timeZone }));
  const zoneOf = (practiceId: string | null) => practices.find((p) => p.id === practiceId)?.timeZone ?? ctx.config.BOOKING_TIMEZONE;
  const problems: string[] = [];
  const practice = filter.practice && practices.some((p) => p.id === filter.practice) ? filter.practice : undefined;
  if (filter.practice && !practice) problems.push(`No practice "${filter.practice}"; showing every practice.`);
  const day = filter.date ? dayIn(filter.date, zoneOf(practice ?? null)) : undefined;
  if (filter.date && !day) problems.push(`"${filter.date}" is no date (YYYY-MM-DD).`);
  const callerNumberLike = filter.caller ? callerNumberPattern(filter.caller) : undefined;
  if (filter.caller && !callerNumberLike) problems.push('A caller number is digits, optionally with + and the * of a masked number (at least two digits).');

  const db = ctx.readModel;
  const [calls, duplicates, unconfirmed, mismatches, parked, audit, abandoned] = await Promise.all([
    findRecentCalls(db, { practiceId: practice, callId: filter.callId, bookingUid: filter.bookingUid, from: day?.from, to: day?.to, callerNumberLike }),
    findDuplicateFindings(db, practice),
    findUnconfirmedBookings(db, practice),
    findWebhookMismatches(db, practice),
    findParked(db, { limit: 50 }),
    findAuditFindings(db, practice),
    findAbandonedDeliveries(db, practice),
  ]);
  return { filter, problem: problems.join(' ') || undefined, practices, calls, findings: { duplicates, unconfirmed, mismatches, parked, audit, abandoned }, zoneOf };
};

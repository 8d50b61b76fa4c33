import type { SqlExecutor } from '../application/ports/sql';

/** One Retell call as the analysts' index lists it: what the caller last heard and what became of its bookings. */
export interface RecentCall {
  callId: string;
  practiceId: string | null;
  firstAt: string;
  lastAt: string;
  /** The caller's number masked as Retell's call webhook recorded it, or masked from the trusted number of a booking. */
  fromNumberMasked: string | null;
  answers: number;
  lastTold: { function: string; status: string; message: string; bookingStatus: string | null; at: string } | null;
  endedAt: string | null;
  bookings: Array<{ bookingId: string; status: string; calcomUid: string | null; slotStart: string | null; callerNumber: string | null }>;
}

export interface RecentCallFilter {
  practiceId?: string;
  callId?: string;
  /** Calls that touched this Cal.com uid (their own, or one handed back as another booking's). */
  bookingUid?: string;
  /** Calls with an event in [from, to). */
  from?: Date;
  to?: Date;
  /** A LIKE pattern over the caller's number (trusted booking number or Retell's masked one); see callerNumberPattern. */
  callerNumberLike?: string;
  limit?: number;
}

type Row = Record<string, unknown>;
const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

const toRecentCall = (row: Row): RecentCall => ({
  callId: String(row.call_id),
  practiceId: str(row.practice_id),
  firstAt: iso(row.first_at)!,
  lastAt: iso(row.last_at)!,
  fromNumberMasked: str(row.from_number_masked),
  answers: Number(row.answers),
  lastTold:
    row.last_status === null || row.last_status === undefined
      ? null
      : { function: String(row.last_function), status: String(row.last_status), message: String(row.last_message ?? ''), bookingStatus: str(row.last_booking_status), at: iso(row.last_answered_at)! },
  endedAt: iso(row.ended_at),
  bookings: ((row.bookings as Row[] | null) ?? []).map((b) => ({
    bookingId: String(b.booking_id),
    status: String(b.status),
    calcomUid: str(b.calcom_uid ?? b.duplicate_of_uid),
    slotStart: iso(b.slot_start),
    callerNumber: str(b.caller_number),
  })),
});

/**
 * The most recent calls first (by their last event), each with its bookings. Every filter narrows (AND).
 * Uses `bl_calls_last_at` for the order and `bl_appointments_call_id` for each call's bookings.
 */
export const findRecentCalls = async (db: SqlExecutor, filter: RecentCallFilter = {}): Promise<RecentCall[]> => {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => (params.push(value), `$${params.length}`);
  if (filter.callId !== undefined) where.push(`c.call_id = ${param(filter.callId)}`);
  // A call's practice is its first booking's (BookingRequested names it); a call with no booking has none.
  if (filter.practiceId !== undefined) where.push(`c.practice_id = ${param(filter.practiceId)}`);
  if (filter.from !== undefined) where.push(`c.last_at >= ${param(filter.from.toISOString())}`);
  if (filter.to !== undefined) where.push(`c.first_at < ${param(filter.to.toISOString())}`);
  if (filter.bookingUid !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM bl_uid_touches t WHERE t.call_id = c.call_id AND t.calcom_uid = ${param(filter.bookingUid)})`);
  }
  if (filter.callerNumberLike !== undefined) {
    const like = param(filter.callerNumberLike);
    where.push(`(c.from_number_masked LIKE ${like} OR EXISTS (SELECT 1 FROM bl_appointments a WHERE a.call_id = c.call_id AND a.caller_number LIKE ${like}))`);
  }
  const { rows } = await db.query<Row>(
    `SELECT c.*,
            (SELECT json_agg(json_build_object('booking_id', a.booking_id, 'status', a.status, 'calcom_uid', a.calcom_uid,
                     'duplicate_of_uid', a.duplicate_of_uid, 'slot_start', a.slot_start, 'caller_number', a.caller_number) ORDER BY a.requested_at)
               FROM bl_appointments a WHERE a.call_id = c.call_id) AS bookings
       FROM bl_calls c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.last_at DESC, c.call_id LIMIT ${param(filter.limit ?? 50)}`,
    params,
  );
  return rows.map(toRecentCall);
};

/**
 * A caller number as an analyst types it, as a LIKE pattern: `+49*******67` (the masked form shown
 * everywhere) matches numbers of that length with that prefix and ending; `4567` matches numbers ending
 * in those digits (a national `0151…` without its trunk 0); `+4930123456` matches that number.
 * Undefined for fewer than two digits or anything but digits, `+`, `*` and separators.
 */
export const callerNumberPattern = (typed: string): string | undefined => {
  const compact = typed.replace(/[\s()./-]/g, '');
  if (!/^\+?[\d*•]+$/.test(compact) || compact.replace(/\D/g, '').length < 2) return undefined;
  if (/[*•]/.test(compact)) return compact.replace(/[*•]/g, '_');
  // National numbers (0151 …) lose their trunk 0: stored numbers are E.164 (+49151 …).
  if (compact.startsWith('+')) return compact;
  const national = compact.replace(/^0+/, '');
  return national.length >= 2 ? `%${national}` : undefined;
};

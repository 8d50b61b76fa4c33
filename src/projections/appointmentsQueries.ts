import type { SqlExecutor } from '../application/ports/sql';

/** One `bl_appointments` row as JSON: camelCase, ISO 8601 times, numbers as numbers. */
export interface Appointment {
  bookingId: string;
  callId: string | null;
  /** The practice the booking is for. */
  practiceId: string | null;
  status: string;
  calcomUid: string | null;
  calcomBookingId: number | null;
  eventTypeId: number | null;
  slotStart: string | null;
  service: string | null;
  requestedAt: string | null;
  confirmedAt: string | null;
  duplicateOfUid: string | null;
  duplicateOwnerBookingId: string | null;
  duplicateReasons: string[];
  failureReason: string | null;
  /** A host's metadata-less acceptance is waiting for a lookup to back it up. */
  hostAcceptancePending: boolean;
  /** What Cal.com held at the last lookup (reconciler, host acceptance): lost webhook vs. nothing booked. */
  calcom: { lookup: string; status: string | null; metadataCallIdMatches: boolean | null; lookedUpAt: string | null } | null;
  updatedAt: string;
  lastEventPosition: string;
  lastEventType: string;
}

/** A Cal.com uid touched by more than one booking (`bl_duplicates`). */
export interface DuplicateUid {
  calcomUid: string;
  bookingCount: number;
  bookingIds: string[];
  callIds: string[];
  reasons: string[];
  kinds: string[];
  firstTouchedAt: string;
  lastTouchedAt: string;
}

type Row = Record<string, unknown>;

const isoOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : (value instanceof Date ? value : new Date(String(value))).toISOString();
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

const toAppointment = (row: Row): Appointment => ({
  bookingId: String(row.booking_id),
  callId: strOrNull(row.call_id),
  practiceId: strOrNull(row.practice_id),
  status: String(row.status),
  calcomUid: strOrNull(row.calcom_uid),
  calcomBookingId: numOrNull(row.calcom_booking_id),
  eventTypeId: numOrNull(row.event_type_id),
  slotStart: isoOrNull(row.slot_start),
  service: strOrNull(row.service),
  requestedAt: isoOrNull(row.requested_at),
  confirmedAt: isoOrNull(row.confirmed_at),
  duplicateOfUid: strOrNull(row.duplicate_of_uid),
  duplicateOwnerBookingId: strOrNull(row.duplicate_owner_booking_id),
  duplicateReasons: strings(row.duplicate_reasons),
  failureReason: strOrNull(row.failure_reason),
  hostAcceptancePending: row.host_acceptance_delivery_id !== null && row.host_acceptance_delivery_id !== undefined,
  calcom:
    row.calcom_lookup_outcome === null || row.calcom_lookup_outcome === undefined
      ? null
      : {
          lookup: String(row.calcom_lookup_outcome),
          status: strOrNull(row.calcom_status),
          metadataCallIdMatches: row.calcom_metadata_call_id_matches === null || row.calcom_metadata_call_id_matches === undefined ? null : Boolean(row.calcom_metadata_call_id_matches),
          lookedUpAt: isoOrNull(row.calcom_looked_up_at),
        },
  updatedAt: isoOrNull(row.updated_at)!,
  lastEventPosition: String(row.last_event_position),
  lastEventType: String(row.last_event_type),
});

export interface AppointmentFilter {
  callId?: string;
  practiceId?: string;
  status?: string;
  /** Matches the uid verified as the booking's own OR the uid it was found a duplicate of. */
  bookingUid?: string;
  /** Default 500. */
  limit?: number;
  /** Most recently changed first (else: oldest request first when filtered). */
  newestFirst?: boolean;
}

/** Appointments by call id and/or Cal.com uid (both: AND), oldest request first; neither: the most recent `limit`, newest first. */
export const findAppointments = async (db: SqlExecutor, filter: AppointmentFilter = {}): Promise<Appointment[]> => {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.callId !== undefined) {
    params.push(filter.callId);
    where.push(`call_id = $${params.length}`);
  }
  if (filter.practiceId !== undefined) {
    params.push(filter.practiceId);
    where.push(`practice_id = $${params.length}`);
  }
  if (filter.status !== undefined) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  if (filter.bookingUid !== undefined) {
    params.push(filter.bookingUid);
    where.push(`(calcom_uid = $${params.length} OR duplicate_of_uid = $${params.length})`);
  }
  params.push(filter.limit ?? 500);
  const { rows } = await db.query<Row>(
    `SELECT * FROM bl_appointments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${filter.newestFirst ? 'updated_at DESC' : `requested_at ${where.length ? 'ASC' : 'DESC'} NULLS LAST`}, booking_id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toAppointment);
};

/** Every Cal.com uid more than one booking touched, newest first. */
export const listDuplicates = async (db: SqlExecutor): Promise<DuplicateUid[]> => {
  const { rows } = await db.query<Row>('SELECT * FROM bl_duplicates ORDER BY last_touched_at DESC, calcom_uid');
  return rows.map((row) => ({
    calcomUid: String(row.calcom_uid),
    bookingCount: Number(row.booking_count),
    bookingIds: strings(row.booking_ids),
    callIds: strings(row.call_ids),
    reasons: strings(row.reasons),
    kinds: strings(row.kinds),
    firstTouchedAt: isoOrNull(row.first_touched_at)!,
    lastTouchedAt: isoOrNull(row.last_touched_at)!,
  }));
};

/** A caller's upcoming bookings at a practice (by the trusted caller number), soonest first. */
export const findUpcomingForCaller = async (
  db: SqlExecutor,
  query: { practiceId: string; callerNumber: string; after: Date; limit?: number },
): Promise<Array<{ bookingId: string; slotStart: string; status: string; service: string | null }>> => {
  const { rows } = await db.query<Row>(
    `SELECT booking_id, slot_start, status, service FROM bl_appointments
     WHERE practice_id = $1 AND caller_number = $2 AND slot_start > $3
       AND status IN ('confirmed', 'awaiting_webhook', 'awaiting_host', 'requested', 'unconfirmed', 'reschedule_requested')
     ORDER BY slot_start LIMIT $4`,
    [query.practiceId, query.callerNumber, query.after.toISOString(), query.limit ?? 10],
  );
  return rows.map((r) => ({ bookingId: String(r.booking_id), slotStart: isoOrNull(r.slot_start)!, status: String(r.status), service: strOrNull(r.service) }));
};

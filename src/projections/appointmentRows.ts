import type { StoredEvent } from '../application/ports/eventStore';
import { initialState, type Booking, type BookingStatus } from '../domain';
import type { SqlExecutor } from '../application/ports/sql';

/** A `bl_appointments` row as read. */
export interface AppointmentRow {
  booking_id: string;
  call_id: string | null;
  status: BookingStatus;
  calcom_uid: string | null;
  calcom_booking_id: string | number | null;
  event_type_id: string | number | null;
  slot_start: Date | string | null;
  service: string | null;
  requested_at: Date | string | null;
  confirmed_at: Date | string | null;
  duplicate_of_uid: string | null;
  duplicate_owner_booking_id: string | null;
  duplicate_reasons: string[] | null;
  failure_reason: string | null;
  host_acceptance_delivery_id: string | null;
  practice_id: string | null;
  caller_number: string | null;
  calcom_lookup_outcome: string | null;
  calcom_status: string | null;
  calcom_metadata_call_id_matches: boolean | null;
  calcom_looked_up_at: Date | string | null;
  move_id: string | null;
  move_from_uid: string | null;
  move_to_slot_start: Date | string | null;
  move_requested_at: Date | string | null;
  move_stage: string | null;
  last_event_position: string;
}

const iso = (value: Date | string | null): string | undefined =>
  value === null ? undefined : (value instanceof Date ? value : new Date(value)).toISOString();
const num = (value: string | number | null): number | undefined => (value === null ? undefined : Number(value));

/** The part of the Booking state the row keeps: enough for `evolve` to decide the next status. */
export const stateOf = (row: AppointmentRow | undefined, bookingId: string): Booking => {
  if (!row) return { ...initialState(), bookingId };
  return {
    ...initialState(),
    status: row.status,
    bookingId: row.booking_id,
    callId: row.call_id ?? undefined,
    practiceId: row.practice_id ?? undefined,
    callerNumber: row.caller_number ?? undefined,
    eventTypeId: num(row.event_type_id),
    slotStart: iso(row.slot_start),
    requestedAt: iso(row.requested_at),
    uid: row.calcom_uid ?? undefined,
    calcomBookingId: num(row.calcom_booking_id),
    confirmedAt: iso(row.confirmed_at),
    duplicate: row.duplicate_of_uid
      ? {
          reasons: (row.duplicate_reasons ?? []) as NonNullable<Booking['duplicate']>['reasons'],
          conflictingUid: row.duplicate_of_uid,
          ownerBookingId: row.duplicate_owner_booking_id ?? undefined,
        }
      : undefined,
    failure: row.failure_reason ? { reason: row.failure_reason, message: '' } : undefined,
    hostAcceptance: row.host_acceptance_delivery_id ? { deliveryId: row.host_acceptance_delivery_id, uid: row.calcom_uid ?? '' } : undefined,
    lastLookup: row.calcom_lookup_outcome
      ? {
          outcome: row.calcom_lookup_outcome,
          calcomStatus: row.calcom_status ?? undefined,
          metadataCallIdMatches: row.calcom_metadata_call_id_matches ?? undefined,
          at: iso(row.calcom_looked_up_at)!,
        }
      : undefined,
    move: row.move_id
      ? {
          moveId: row.move_id,
          byCallId: '',
          fromUid: row.move_from_uid ?? '',
          fromSlotStart: iso(row.slot_start) ?? '',
          toSlotStart: iso(row.move_to_slot_start)!,
          requestedAt: iso(row.move_requested_at)!,
          stage: (row.move_stage ?? 'requested') as NonNullable<Booking['move']>['stage'],
        }
      : undefined,
  };
};

/** The rows of these bookings that exist, locked for this transaction. */
export const readAppointments = async (tx: SqlExecutor, bookingIds: string[]): Promise<Map<string, AppointmentRow>> => {
  const { rows } = await tx.query<AppointmentRow>('SELECT * FROM bl_appointments WHERE booking_id = ANY($1::text[]) FOR UPDATE', [bookingIds]);
  return new Map(rows.map((row) => [row.booking_id, row]));
};

/** A booking's row after `last`, the last event applied to it. */
export const rowFor = (bookingId: string, state: Booking, service: string | null, last: StoredEvent) => ({
  booking_id: bookingId,
  call_id: state.callId ?? null,
  status: state.status,
  calcom_uid: state.uid ?? null,
  calcom_booking_id: state.calcomBookingId ?? null,
  event_type_id: state.eventTypeId ?? null,
  slot_start: state.slotStart ?? null,
  service,
  requested_at: state.requestedAt ?? null,
  confirmed_at: state.confirmedAt ?? null,
  duplicate_of_uid: state.duplicate?.conflictingUid ?? null,
  duplicate_owner_booking_id: state.duplicate?.ownerBookingId ?? null,
  duplicate_reasons: state.duplicate?.reasons ?? [],
  failure_reason: state.failure?.reason ?? null,
  host_acceptance_delivery_id: state.hostAcceptance?.deliveryId ?? null,
  practice_id: state.practiceId ?? null,
  caller_number: state.callerNumber ?? null,
  calcom_lookup_outcome: state.lastLookup?.outcome ?? null,
  calcom_status: state.lastLookup?.calcomStatus ?? null,
  calcom_metadata_call_id_matches: state.lastLookup?.metadataCallIdMatches ?? null,
  calcom_looked_up_at: state.lastLookup?.at ?? null,
  move_id: state.move?.moveId ?? null,
  move_from_uid: state.move?.fromUid ?? null,
  move_to_slot_start: state.move?.toSlotStart ?? null,
  move_requested_at: state.move?.requestedAt ?? null,
  move_stage: state.move?.stage ?? null,
  updated_at: last.recordedAt.toISOString(),
  last_event_position: last.position,
  last_event_type: last.type,
});
export type AppointmentWrite = ReturnType<typeof rowFor>;

const columns = `booking_id, call_id, status, calcom_uid, calcom_booking_id, event_type_id, slot_start, service, requested_at,
  confirmed_at, duplicate_of_uid, duplicate_owner_booking_id, duplicate_reasons, failure_reason, host_acceptance_delivery_id, practice_id, caller_number,
  calcom_lookup_outcome, calcom_status, calcom_metadata_call_id_matches, calcom_looked_up_at,
  move_id, move_from_uid, move_to_slot_start, move_requested_at, move_stage, updated_at,
  last_event_position, last_event_type`;

/** One statement for the whole batch; a row never moves back to an older event (position guard). */
const upsertAppointmentsSql = `
INSERT INTO bl_appointments AS a (${columns})
SELECT ${columns}
  FROM json_to_recordset($1::json) AS r(booking_id text, call_id text, status text, calcom_uid text, calcom_booking_id bigint,
       event_type_id bigint, slot_start timestamptz, service text, requested_at timestamptz, confirmed_at timestamptz,
       duplicate_of_uid text, duplicate_owner_booking_id text, duplicate_reasons text[], failure_reason text,
       host_acceptance_delivery_id text, practice_id text, caller_number text, calcom_lookup_outcome text, calcom_status text, calcom_metadata_call_id_matches boolean,
       calcom_looked_up_at timestamptz, move_id text, move_from_uid text, move_to_slot_start timestamptz, move_requested_at timestamptz,
       move_stage text, updated_at timestamptz, last_event_position text, last_event_type text)
ON CONFLICT (booking_id) DO UPDATE SET
  call_id = excluded.call_id, status = excluded.status, calcom_uid = excluded.calcom_uid,
  calcom_booking_id = excluded.calcom_booking_id, event_type_id = excluded.event_type_id,
  slot_start = excluded.slot_start, service = excluded.service, requested_at = excluded.requested_at,
  confirmed_at = excluded.confirmed_at, duplicate_of_uid = excluded.duplicate_of_uid,
  duplicate_owner_booking_id = excluded.duplicate_owner_booking_id, duplicate_reasons = excluded.duplicate_reasons,
  failure_reason = excluded.failure_reason, host_acceptance_delivery_id = excluded.host_acceptance_delivery_id,
  practice_id = excluded.practice_id, caller_number = excluded.caller_number,
  calcom_lookup_outcome = excluded.calcom_lookup_outcome, calcom_status = excluded.calcom_status,
  calcom_metadata_call_id_matches = excluded.calcom_metadata_call_id_matches, calcom_looked_up_at = excluded.calcom_looked_up_at,
  move_id = excluded.move_id, move_from_uid = excluded.move_from_uid, move_to_slot_start = excluded.move_to_slot_start,
  move_requested_at = excluded.move_requested_at, move_stage = excluded.move_stage,
  updated_at = excluded.updated_at,
  last_event_position = excluded.last_event_position, last_event_type = excluded.last_event_type
WHERE a.last_event_position < excluded.last_event_position`;

/** Writes the rows in the order of their last events (as applying event by event would have). */
export const writeAppointments = async (tx: SqlExecutor, rows: AppointmentWrite[]): Promise<void> => {
  if (rows.length === 0) return;
  rows.sort((a, b) => (a.last_event_position < b.last_event_position ? -1 : 1));
  await tx.query(upsertAppointmentsSql, [JSON.stringify(rows)]);
};

import type { StoredEvent } from '../application/ports/eventStore';
import { isBookingEventType, toBookingEvent } from '../application/eventEnvelope';
import { CalcomUidClaimed, evolve, initialState, type Booking, type BookingEvent, type BookingStatus } from '../domain';
import type { SqlExecutor } from '../adapters/sql/sqlDatabase';
import type { UidTouchKind } from './schema';

interface AppointmentRow {
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
  last_event_position: string;
}

const iso = (value: Date | string | null): string | undefined =>
  value === null ? undefined : (value instanceof Date ? value : new Date(value)).toISOString();
const num = (value: string | number | null): number | undefined => (value === null ? undefined : Number(value));

/** The part of the Booking state the row keeps: enough for `evolve` to decide the next status. */
const stateOf = (row: AppointmentRow | undefined, bookingId: string): Booking => {
  if (!row) return { ...initialState(), bookingId };
  return {
    ...initialState(),
    status: row.status,
    bookingId: row.booking_id,
    callId: row.call_id ?? undefined,
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
  };
};

const touch = async (
  tx: SqlExecutor,
  stored: StoredEvent,
  t: { bookingId: string; uid: string; kind: UidTouchKind; callId?: string; reasons?: readonly string[] },
): Promise<void> => {
  // Re-applying merges nothing new: the reasons are a set, the first recording time and call id stay.
  await tx.query(
    `INSERT INTO bl_uid_touches AS t (booking_id, calcom_uid, kind, reasons, call_id, recorded_at)
     VALUES ($1, $2, $3, $4::text[], $5, $6)
     ON CONFLICT (booking_id, calcom_uid, kind) DO UPDATE SET
       reasons = ARRAY(SELECT DISTINCT r FROM unnest(t.reasons || excluded.reasons) AS r ORDER BY r),
       call_id = coalesce(t.call_id, excluded.call_id),
       recorded_at = least(t.recorded_at, excluded.recorded_at)`,
    [t.bookingId, t.uid, t.kind, [...(t.reasons ?? [])].sort(), t.callId ?? null, stored.recordedAt.toISOString()],
  );
};

/** Every Cal.com uid this event shows the booking touching. */
const touchesOf = (event: BookingEvent): Array<{ uid: string; kind: UidTouchKind; reasons?: readonly string[] }> => {
  switch (event.type) {
    case 'CalcomResponded':
      return [{ uid: event.data.uid, kind: 'returned' }];
    case 'DuplicateDetected':
      return [{ uid: event.data.conflicting.uid, kind: 'returned', reasons: event.data.reasons }];
    case 'BookingConfirmedByWebhook':
      return [{ uid: event.data.uid, kind: 'confirmed' }];
    case 'WebhookMismatchRecorded':
      return [{ uid: event.data.uid, kind: 'webhook_mismatch', reasons: event.data.reasons }];
    case 'HostConfirmationRequested':
      return [{ uid: event.data.uid, kind: 'host_requested' }];
    case 'BookingRescheduled':
      return [{ uid: event.data.uid, kind: 'rescheduled' }];
    default:
      return [];
  }
};

const applyBookingEvent = async (tx: SqlExecutor, stored: StoredEvent, event: BookingEvent): Promise<void> => {
  const { bookingId, callId } = event.data;
  for (const t of touchesOf(event)) await touch(tx, stored, { bookingId, callId, ...t });

  const { rows } = await tx.query<AppointmentRow>('SELECT * FROM bl_appointments WHERE booking_id = $1 FOR UPDATE', [bookingId]);
  const row = rows[0];
  // Already applied (or a later event of this booking already is): re-applying changes nothing.
  if (row && row.last_event_position >= stored.position) return;

  const next = evolve(stateOf(row, bookingId), event);
  const service = event.type === 'BookingRequested' ? (event.data.service ?? null) : (row?.service ?? null);
  await tx.query(
    `INSERT INTO bl_appointments AS a (booking_id, call_id, status, calcom_uid, calcom_booking_id, event_type_id, slot_start,
       service, requested_at, confirmed_at, duplicate_of_uid, duplicate_owner_booking_id, duplicate_reasons, failure_reason,
       updated_at, last_event_position, last_event_type)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text[], $14, $15, $16, $17)
     ON CONFLICT (booking_id) DO UPDATE SET
       call_id = excluded.call_id, status = excluded.status, calcom_uid = excluded.calcom_uid,
       calcom_booking_id = excluded.calcom_booking_id, event_type_id = excluded.event_type_id,
       slot_start = excluded.slot_start, service = excluded.service, requested_at = excluded.requested_at,
       confirmed_at = excluded.confirmed_at, duplicate_of_uid = excluded.duplicate_of_uid,
       duplicate_owner_booking_id = excluded.duplicate_owner_booking_id, duplicate_reasons = excluded.duplicate_reasons,
       failure_reason = excluded.failure_reason, updated_at = excluded.updated_at,
       last_event_position = excluded.last_event_position, last_event_type = excluded.last_event_type
     WHERE a.last_event_position < excluded.last_event_position`,
    [
      bookingId,
      next.callId ?? callId,
      next.status,
      next.uid ?? null,
      next.calcomBookingId ?? null,
      next.eventTypeId ?? null,
      next.slotStart ?? null,
      service,
      next.requestedAt ?? null,
      next.confirmedAt ?? null,
      next.duplicate?.conflictingUid ?? null,
      next.duplicate?.ownerBookingId ?? null,
      next.duplicate?.reasons ?? [],
      next.failure?.reason ?? null,
      stored.recordedAt.toISOString(),
      stored.position,
      stored.type,
    ],
  );
};

/**
 * The appointments projection: one row per booking in `bl_appointments` (status exactly as the
 * domain's `evolve` derives it) and every uid a booking touched in `bl_uid_touches`.
 * Idempotent per event; events it does not know (other streams) are ignored.
 */
export const applyToAppointments = async (tx: SqlExecutor, stored: StoredEvent): Promise<void> => {
  if (stored.type === 'CalcomUidClaimed') {
    const claim = CalcomUidClaimed.shape.data.parse(stored.data);
    await touch(tx, stored, { bookingId: claim.bookingId, uid: claim.uid, kind: 'claimed', callId: claim.callId });
    return;
  }
  if (!isBookingEventType(stored.type)) return;
  await applyBookingEvent(tx, stored, toBookingEvent(stored));
};

import type { StoredEvent } from '../application/ports/eventStore';
import type { BookingEvent } from '../domain';
import type { SqlExecutor } from '../application/ports/sql';
import type { UidTouchKind } from './schema';

export interface UidTouch {
  bookingId: string;
  uid: string;
  kind: UidTouchKind;
  callId?: string;
  reasons?: readonly string[];
}

/** Every Cal.com uid this event shows the booking touching. */
export const touchesOf = (event: BookingEvent): Array<{ uid: string; kind: UidTouchKind; reasons?: readonly string[] }> => {
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

interface TouchRow {
  booking_id: string;
  calcom_uid: string;
  kind: UidTouchKind;
  reasons: string[];
  call_id: string | null;
  recorded_at: string;
  /** Touched more than once in this batch: the database merges the reasons as a sorted set. */
  merged: boolean;
}

/**
 * Merging a touch into an existing row (or into one from earlier in the batch) keeps the reasons as a
 * set, the first call id and the earliest recording time: the same row whatever the batching.
 * A touch new to the table keeps its reasons as given, sorted (as applying it alone always did).
 */
const upsertTouchesSql = `
INSERT INTO bl_uid_touches AS t (booking_id, calcom_uid, kind, reasons, call_id, recorded_at)
SELECT r.booking_id, r.calcom_uid, r.kind,
       CASE WHEN r.merged THEN ARRAY(SELECT DISTINCT x FROM unnest(r.reasons) AS x ORDER BY x) ELSE r.reasons END,
       r.call_id, r.recorded_at
  FROM json_to_recordset($1::json)
       AS r(booking_id text, calcom_uid text, kind text, reasons text[], call_id text, recorded_at timestamptz, merged boolean)
ON CONFLICT (booking_id, calcom_uid, kind) DO UPDATE SET
  reasons = ARRAY(SELECT DISTINCT r FROM unnest(t.reasons || excluded.reasons) AS r ORDER BY r),
  call_id = coalesce(t.call_id, excluded.call_id),
  recorded_at = least(t.recorded_at, excluded.recorded_at)`;

/** The uid touches of one batch, merged per (booking, uid, kind) in event order, written in one statement. */
export class UidTouchBatch {
  private readonly rows = new Map<string, TouchRow>();

  add(stored: StoredEvent, touch: UidTouch): void {
    const key = `${touch.bookingId}\u0000${touch.uid}\u0000${touch.kind}`;
    const recordedAt = stored.recordedAt.toISOString();
    const seen = this.rows.get(key);
    if (!seen) {
      this.rows.set(key, {
        booking_id: touch.bookingId,
        calcom_uid: touch.uid,
        kind: touch.kind,
        reasons: [...(touch.reasons ?? [])].sort(),
        call_id: touch.callId ?? null,
        recorded_at: recordedAt,
        merged: false,
      });
      return;
    }
    seen.reasons.push(...(touch.reasons ?? []));
    seen.merged = true;
    seen.call_id ??= touch.callId ?? null;
    if (recordedAt < seen.recorded_at) seen.recorded_at = recordedAt;
  }

  async write(tx: SqlExecutor): Promise<void> {
    if (this.rows.size > 0) await tx.query(upsertTouchesSql, [JSON.stringify([...this.rows.values()])]);
  }
}

import type { SqlExecutor } from '../application/ports/sql';
import { findAppointments, listDuplicates, type Appointment, type DuplicateUid } from './appointmentsQueries';

/** A webhook that named a booking of ours but did not match it (`webhook_mismatch` uid touches). */
export interface WebhookMismatch {
  bookingId: string;
  callId: string | null;
  calcomUid: string;
  reasons: string[];
  recordedAt: string;
}

type Row = Record<string, unknown>;
const inPractice = (practiceId: string | undefined, bookingIds: readonly string[], practiceOf: Map<string, string | null>) =>
  practiceId === undefined || bookingIds.some((id) => practiceOf.get(id) === practiceId);

/** The practice of each of these bookings (one indexed lookup). */
const practicesOf = async (db: SqlExecutor, bookingIds: string[]): Promise<Map<string, string | null>> => {
  if (bookingIds.length === 0) return new Map();
  const { rows } = await db.query<{ booking_id: string; practice_id: string | null }>('SELECT booking_id, practice_id FROM bl_appointments WHERE booking_id = ANY($1::text[])', [bookingIds]);
  return new Map(rows.map((r) => [r.booking_id, r.practice_id]));
};

/** The most recently touched uids more than one booking touched, of one practice's bookings if given. */
export const findDuplicateFindings = async (db: SqlExecutor, practiceId?: string, limit = 50): Promise<DuplicateUid[]> => {
  const duplicates = await listDuplicates(db);
  if (practiceId === undefined) return duplicates.slice(0, limit);
  const practiceOf = await practicesOf(db, [...new Set(duplicates.flatMap((d) => d.bookingIds))]);
  return duplicates.filter((d) => inPractice(practiceId, d.bookingIds, practiceOf)).slice(0, limit);
};

/** Bookings no webhook proved and Cal.com's lookup did not settle, most recently changed first, with what Cal.com held (index bl_appointments_status_updated). */
export const findUnconfirmedBookings = async (db: SqlExecutor, practiceId?: string, limit = 50): Promise<Appointment[]> =>
  findAppointments(db, { practiceId, status: 'unconfirmed', limit, newestFirst: true });

/** Webhooks that named our booking but disagreed with it (wrong attendee, call id, slot…), newest first. */
export const findWebhookMismatches = async (db: SqlExecutor, practiceId?: string, limit = 50): Promise<WebhookMismatch[]> => {
  const { rows } = await db.query<Row>(
    `SELECT t.booking_id, t.call_id, t.calcom_uid, t.reasons, t.recorded_at FROM bl_uid_touches t
      WHERE t.kind = 'webhook_mismatch' AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM bl_appointments a WHERE a.booking_id = t.booking_id AND a.practice_id = $1))
      ORDER BY t.recorded_at DESC LIMIT $2`,
    [practiceId ?? null, limit],
  );
  return rows.map((r) => ({
    bookingId: String(r.booking_id),
    callId: r.call_id === null ? null : String(r.call_id),
    calcomUid: String(r.calcom_uid),
    reasons: Array.isArray(r.reasons) ? r.reasons.map(String) : [],
    recordedAt: new Date(r.recorded_at as string).toISOString(),
  }));
};

/** A truth-audit finding as recorded: what the caller was told against what the ledger knows. */
export interface AuditFindingView {
  kind: string;
  callId: string;
  bookingId: string | null;
  toldAt: string;
  detail: string;
  recordedAt: string;
}

/** The truth audit's recorded findings, newest first (of calls of one practice, if given). */
export const findAuditFindings = async (db: SqlExecutor, practiceId?: string, limit = 50): Promise<AuditFindingView[]> => {
  const { rows } = await db.query<Row>(
    `SELECT f.* FROM bl_audit_findings f
      WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM bl_calls c WHERE c.call_id = f.call_id AND c.practice_id = $1)
      ORDER BY f.recorded_at DESC LIMIT $2`,
    [practiceId ?? null, limit],
  );
  return rows.map((r) => ({
    kind: String(r.kind),
    callId: String(r.call_id),
    bookingId: r.booking_id === null ? null : String(r.booking_id),
    toldAt: String(r.told_at),
    detail: String(r.detail),
    recordedAt: new Date(r.recorded_at as string).toISOString(),
  }));
};

/** A recorded Cal.com delivery the resumer gave up on: never applied to any booking. */
export interface AbandonedDelivery {
  deliveryId: string;
  triggerEvent: string | null;
  calcomUid: string | null;
  callId: string | null;
  practiceId: string | null;
  reason: string;
  abandonedAt: string;
}

/**
 * Abandoned deliveries, newest first (index bl_webhook_deliveries_abandoned). With a practice: those its
 * secret verified, and those whose practice is not known (the environment's secret, a v1 record).
 */
export const findAbandonedDeliveries = async (db: SqlExecutor, practiceId?: string, limit = 50): Promise<AbandonedDelivery[]> => {
  const { rows } = await db.query<Row>(
    `SELECT * FROM bl_webhook_deliveries
      WHERE settled_as = 'abandoned' AND ($1::text IS NULL OR practice_id = $1 OR practice_id IS NULL)
      ORDER BY settled_at DESC LIMIT $2`,
    [practiceId ?? null, limit],
  );
  const textOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return rows.map((r) => ({
    deliveryId: String(r.delivery_id),
    triggerEvent: textOrNull(r.trigger_event),
    calcomUid: textOrNull(r.calcom_uid),
    callId: textOrNull(r.call_id),
    practiceId: textOrNull(r.practice_id),
    reason: String(r.reason ?? ''),
    abandonedAt: new Date(r.settled_at as string).toISOString(),
  }));
};

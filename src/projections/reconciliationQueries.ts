import type { SqlExecutor } from '../application/ports/sql';
import { ENDED_STATUSES } from '../domain';

/**
 * Bookings still waiting for proof (no webhook yet) that were requested before `olderThan`, and every
 * booking whose host acceptance still waits for a lookup that backs it up (Cal.com was unreachable), and
 * every move requested before `olderThan` that no webhook settled (unless the booking has ended since:
 * the reconciler leaves those alone, and they would take the sweep's places forever).
 */
export const findBookingsAwaitingProof = async (db: SqlExecutor, olderThan: Date, limit = 200): Promise<string[]> => {
  const { rows } = await db.query<{ booking_id: string }>(
    `SELECT booking_id FROM bl_appointments
     WHERE (status IN ('awaiting_webhook', 'failed') AND requested_at < $1)
        OR host_acceptance_delivery_id IS NOT NULL
        OR (move_requested_at < $1 AND status <> ALL($3::text[]))
     ORDER BY requested_at LIMIT $2`,
    [olderThan.toISOString(), limit, ENDED_STATUSES],
  );
  return rows.map((r) => r.booking_id);
};

/** Bookings requested before `olderThan` with no Cal.com answer recorded (their POST was never made or never answered). */
export const findStuckBookings = async (db: SqlExecutor, olderThan: Date, limit = 100): Promise<string[]> => {
  const { rows } = await db.query<{ booking_id: string }>(
    `SELECT booking_id FROM bl_appointments WHERE status = 'requested' AND requested_at < $1 ORDER BY requested_at LIMIT $2`,
    [olderThan.toISOString(), limit],
  );
  return rows.map((r) => r.booking_id);
};

/** Recorded Cal.com booking deliveries received before `olderThan` that nothing settled (routed, orphaned or abandoned), oldest first. */
export const findUnsettledDeliveries = async (db: SqlExecutor, olderThan: Date, limit = 100): Promise<string[]> => {
  const { rows } = await db.query<{ delivery_id: string }>(
    `SELECT delivery_id FROM bl_webhook_deliveries WHERE settled_at IS NULL AND received_at < $1 ORDER BY received_at LIMIT $2`,
    [olderThan.toISOString(), limit],
  );
  return rows.map((r) => r.delivery_id);
};

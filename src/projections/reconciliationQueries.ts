import type { SqlExecutor } from '../adapters/sql/sqlDatabase';

/** Bookings still waiting for proof (no webhook yet) that were requested before `olderThan`. */
export const findBookingsAwaitingProof = async (db: SqlExecutor, olderThan: Date, limit = 200): Promise<string[]> => {
  const { rows } = await db.query<{ booking_id: string }>(
    `SELECT booking_id FROM bl_appointments
     WHERE status IN ('requested', 'awaiting_webhook', 'failed') AND requested_at < $1
     ORDER BY requested_at LIMIT $2`,
    [olderThan.toISOString(), limit],
  );
  return rows.map((r) => r.booking_id);
};

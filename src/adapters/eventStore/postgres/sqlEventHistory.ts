import type { EventHistory } from '../../../application/ports/eventHistory';
import type { SqlExecutor } from '../../sql/sqlDatabase';
import { eventColumns, toStoredEvent, type EventRow } from './eventRow';

/** Served by the partial index `bl_events_call_id (call_id, global_position)`. */
export const eventsForCallsSql = `SELECT ${eventColumns} FROM bl_events
  WHERE call_id = ANY($1::text[]) ORDER BY global_position LIMIT $2`;

/** Served by the expression index `bl_events_data_uid ((data->>'uid'))`. */
export const eventsNamingUidSql = `SELECT ${eventColumns} FROM bl_events
  WHERE (data->>'uid') = $1 ORDER BY global_position LIMIT $2`;

/** Served by the index `bl_events_recorded_at (recorded_at)`. */
export const eventsRecordedBetweenSql = `SELECT ${eventColumns} FROM bl_events
  WHERE recorded_at >= $1::timestamptz AND recorded_at <= $2::timestamptz
  ORDER BY recorded_at, global_position LIMIT $3`;

/**
 * History queries straight on `bl_events`. Unlike `readAll` they do not wait for older transactions
 * still running: an analyst sees every committed event.
 */
export const createSqlEventHistory = (db: SqlExecutor): EventHistory => ({
  eventsForCalls: async (callIds, { limit }) => {
    if (callIds.length === 0) return [];
    const { rows } = await db.query<EventRow>(eventsForCallsSql, [[...callIds], limit]);
    return rows.map(toStoredEvent);
  },
  eventsNamingUid: async (uid, { limit }) => {
    const { rows } = await db.query<EventRow>(eventsNamingUidSql, [uid, limit]);
    return rows.map(toStoredEvent);
  },
  eventsRecordedBetween: async (from, to, { limit }) => {
    const { rows } = await db.query<EventRow>(eventsRecordedBetweenSql, [from.toISOString(), to.toISOString(), limit]);
    return rows.map(toStoredEvent);
  },
});

import type { StoredEvent } from '../application/ports/eventStore';
import type { ParkedEvent } from '../application/ports/parkedEvents';
import type { SqlExecutor } from '../application/ports/sql';

export type { ParkedEvent };

export const parkedEventsTable = `
CREATE TABLE IF NOT EXISTS bl_parked_events (
  projection     text NOT NULL,
  event_id       text NOT NULL,
  position       text COLLATE "C" NOT NULL,
  stream_id      text NOT NULL,
  stream_version int NOT NULL,
  event_type     text NOT NULL,
  data           jsonb,
  error          text NOT NULL,
  parked_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, event_id)
);
`;

const describeError = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === 'string' ? `${code}: ` : ''}${message}`.slice(0, 2000);
};

/** Parks one event (inside the batch's transaction, so it commits with the checkpoint that skips it). */
export const parkEvent = async (tx: SqlExecutor, projection: string, event: StoredEvent, error: unknown): Promise<ParkedEvent> => {
  const { rows } = await tx.query<{ parked_at: Date | string }>(
    `INSERT INTO bl_parked_events (projection, event_id, position, stream_id, stream_version, event_type, data, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
     ON CONFLICT (projection, event_id) DO UPDATE SET error = excluded.error, parked_at = now()
     RETURNING parked_at`,
    [projection, event.id, event.position, event.streamId, event.streamVersion, event.type, JSON.stringify(event.data ?? null), describeError(error)],
  );
  const parkedAt = rows[0]!.parked_at;
  return {
    projection,
    eventId: event.id,
    position: event.position,
    streamId: event.streamId,
    type: event.type,
    error: describeError(error),
    parkedAt: (parkedAt instanceof Date ? parkedAt : new Date(parkedAt)).toISOString(),
  };
};

type Row = { projection: string; event_id: string; position: string; stream_id: string; event_type: string; error: string; parked_at: Date | string };
const toParked = (row: Row): ParkedEvent => ({
  projection: row.projection,
  eventId: row.event_id,
  position: row.position,
  streamId: row.stream_id,
  type: row.event_type,
  error: row.error,
  parkedAt: (row.parked_at instanceof Date ? row.parked_at : new Date(row.parked_at)).toISOString(),
});

/** How many events each projection has parked (a missing table counts as none). */
export const countParked = async (db: SqlExecutor, projection: string): Promise<number> => {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bl_parked_events WHERE projection = $1', [projection]);
  return rows[0]?.n ?? 0;
};

/** The parked events among these event ids (for the timeline), one projection's in order, or the most recent ones. */
export const findParked = async (db: SqlExecutor, filter: { eventIds?: readonly string[]; projection?: string; limit?: number } = {}): Promise<ParkedEvent[]> => {
  const { rows } = filter.eventIds
    ? await db.query<Row>('SELECT * FROM bl_parked_events WHERE event_id = ANY($1::text[]) ORDER BY position', [[...filter.eventIds]])
    : filter.projection !== undefined
      ? await db.query<Row>('SELECT * FROM bl_parked_events WHERE projection = $1 ORDER BY position LIMIT $2', [filter.projection, filter.limit ?? 100])
      : await db.query<Row>('SELECT * FROM bl_parked_events ORDER BY parked_at DESC LIMIT $1', [filter.limit ?? 100]);
  return rows.map(toParked);
};

/**
 * Failures that say nothing about the event: the database went away, a deadlock or serialization
 * failure, resources ran out. The batch is retried as it is. Everything else (a constraint the event
 * breaks, data a schema refuses, a rule the event contradicts) would fail again: the event is parked.
 */
export const isTransientFailure = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^[0-9A-Z]{5}$/.test(code) ? /^(08|40|53|57|58|XX)/.test(code) : true; // a Node system error (ECONNRESET…)
  const message = error instanceof Error ? error.message : '';
  return /connection terminated|connection (?:error|refused|reset|closed)|ECONN|socket hang up|server closed|database system is/i.test(message);
};

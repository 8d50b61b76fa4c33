import type { StoredEvent } from '../application/ports/eventStore';
import { toBookingEvent } from '../application/eventEnvelope';
import { callEventSchema } from '../domain';
import type { SqlExecutor } from '../application/ports/sql';

/**
 * `bl_calls`: one row per Retell call, for the analysts' index: when it happened, its practice, the
 * masked number Retell reported and the last thing the caller was told. Built from `CallerAnswered`,
 * `RetellCallEventRecorded` and `BookingRequested` (which names the practice).
 */
interface CallRow {
  call_id: string;
  practice_id: string | null;
  first_at: string;
  last_at: string;
  agent_id: string | null;
  from_number_masked: string | null;
  answers: number;
  last_function: string | null;
  last_status: string | null;
  last_message: string | null;
  last_booking_id: string | null;
  last_booking_status: string | null;
  last_answered_at: string | null;
  ended_at: string | null;
  last_event_position: string;
}

const CALL_EVENT_TYPES = new Set(['CallerAnswered', 'RetellCallEventRecorded', 'BookingRequested']);

const blank = (callId: string, at: string, position: string): CallRow => ({
  call_id: callId,
  practice_id: null,
  first_at: at,
  last_at: at,
  agent_id: null,
  from_number_masked: null,
  answers: 0,
  last_function: null,
  last_status: null,
  last_message: null,
  last_booking_id: null,
  last_booking_status: null,
  last_answered_at: null,
  ended_at: null,
  last_event_position: position,
});

/** Folds one event onto the call's row of this batch (events come in global order). */
const fold = (row: CallRow, stored: StoredEvent): void => {
  if (stored.type === 'BookingRequested') {
    const requested = toBookingEvent(stored); // upcast: bookings before v3 belong to the default practice
    if (requested.type === 'BookingRequested') row.practice_id ??= requested.data.practiceId; // the first booking's, as across batches
    return;
  }
  const event = callEventSchema.parse({ type: stored.type, data: stored.data });
  if (event.type === 'CallerAnswered') {
    const d = event.data;
    Object.assign(row, {
      answers: row.answers + 1,
      last_function: d.function,
      last_status: d.status,
      last_message: d.message,
      last_booking_id: d.bookingId ?? null,
      last_booking_status: d.bookingStatus ?? null,
      last_answered_at: d.occurredAt,
    });
    return;
  }
  row.agent_id = event.data.agentId ?? row.agent_id;
  row.from_number_masked = event.data.fromNumberMasked ?? row.from_number_masked;
  if (event.data.event === 'call_ended') row.ended_at = event.data.occurredAt;
};

const occurredAt = (stored: StoredEvent): string => {
  const at = (stored.data as { occurredAt?: unknown }).occurredAt;
  return typeof at === 'string' ? at : stored.recordedAt.toISOString();
};

const upsertCallsSql = `
INSERT INTO bl_calls AS c (call_id, practice_id, first_at, last_at, agent_id, from_number_masked, answers, last_function, last_status,
  last_message, last_booking_id, last_booking_status, last_answered_at, ended_at, last_event_position)
SELECT * FROM json_to_recordset($1::json) AS r(call_id text, practice_id text, first_at timestamptz, last_at timestamptz, agent_id text,
  from_number_masked text, answers int, last_function text, last_status text, last_message text, last_booking_id text,
  last_booking_status text, last_answered_at timestamptz, ended_at timestamptz, last_event_position text)
ON CONFLICT (call_id) DO UPDATE SET
  practice_id = coalesce(c.practice_id, excluded.practice_id),
  first_at = least(c.first_at, excluded.first_at),
  last_at = greatest(c.last_at, excluded.last_at),
  agent_id = coalesce(excluded.agent_id, c.agent_id),
  from_number_masked = coalesce(excluded.from_number_masked, c.from_number_masked),
  answers = c.answers + excluded.answers,
  last_function = CASE WHEN excluded.answers > 0 THEN excluded.last_function ELSE c.last_function END,
  last_status = CASE WHEN excluded.answers > 0 THEN excluded.last_status ELSE c.last_status END,
  last_message = CASE WHEN excluded.answers > 0 THEN excluded.last_message ELSE c.last_message END,
  last_booking_id = CASE WHEN excluded.answers > 0 THEN excluded.last_booking_id ELSE c.last_booking_id END,
  last_booking_status = CASE WHEN excluded.answers > 0 THEN excluded.last_booking_status ELSE c.last_booking_status END,
  last_answered_at = CASE WHEN excluded.answers > 0 THEN excluded.last_answered_at ELSE c.last_answered_at END,
  ended_at = coalesce(excluded.ended_at, c.ended_at),
  last_event_position = excluded.last_event_position
WHERE c.last_event_position < excluded.last_event_position`;

/**
 * The calls of one batch, each folded in event order and written in one statement. A batch is applied
 * once (its checkpoint commits with it); the position guard makes applying it again change nothing.
 */
export class CallBatch {
  private readonly rows = new Map<string, CallRow>();

  add(stored: StoredEvent): void {
    if (!CALL_EVENT_TYPES.has(stored.type)) return;
    const callId = stored.metadata.callId;
    if (typeof callId !== 'string' || callId === '') return;
    const at = occurredAt(stored);
    const row = this.rows.get(callId) ?? blank(callId, at, stored.position);
    this.rows.set(callId, row);
    fold(row, stored);
    if (at < row.first_at) row.first_at = at;
    if (at > row.last_at) row.last_at = at;
    row.last_event_position = stored.position;
  }

  async write(tx: SqlExecutor): Promise<void> {
    if (this.rows.size > 0) await tx.query(upsertCallsSql, [JSON.stringify([...this.rows.values()])]);
  }
}

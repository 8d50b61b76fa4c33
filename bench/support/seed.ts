import type { EventStore } from '../../src/application/ports/eventStore';
import type { SqlExecutor } from '../../src/adapters/sql/sqlDatabase';

/**
 * Realistic booking history generated in SQL (INSERT … SELECT from generate_series), five events per
 * booking, shaped exactly like the domain's zod schemas so `toBookingEvent` validates every one:
 * - 9 in 10 bookings are confirmed: BookingRequested, CalcomUidClaimed (own stream), CalcomResponded,
 *   CalcomBookingAccepted, BookingConfirmedByWebhook;
 * - every 10th gets the previous caller's booking back (the incident): BookingRequested,
 *   CalcomResponded, DuplicateDetected, WebhookMismatchRecorded, and a CalcomWebhookReceived delivery.
 * Bookings overlap in the global order (16 calls in flight), like concurrent calls do.
 */
export const EVENTS_PER_BOOKING = 5;
export const benchCallId = (n: number) => `call_bench_${n}`;

const iso = (ts: string) => `to_char((${ts}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const seedSql = `
WITH b AS (
  SELECT n, m,
    md5('bench-booking-' || n)::uuid::text AS booking_id, md5('bench-booking-' || m)::uuid::text AS m_booking_id,
    'call_bench_' || n AS call_id, 'call_bench_' || m AS m_call_id,
    'bk' || to_hex(n) || 'x' || to_hex(n * 7919) AS uid, 'bk' || to_hex(m) || 'x' || to_hex(m * 7919) AS m_uid,
    10000000 + n AS calcom_id, 10000000 + m AS m_calcom_id,
    substr(md5('delivery-' || n), 1, 40) AS delivery_id, substr(md5('delivery-' || m), 1, 40) AS m_delivery_id,
    ${iso(`timestamptz '2025-11-03 07:00:00+00' + (n % 4000) * interval '30 min'`)} AS slot,
    'Caller ' || n AS name, 'call_bench_' || n || '@caller.example' AS email,
    'Caller ' || m AS m_name, 'call_bench_' || m || '@caller.example' AS m_email,
    ${iso(`timestamptz '2025-11-01 09:00:00+00' + m * interval '2 ms'`)} AS m_created_at,
    n % 10 = 9 AS dup
  FROM (SELECT n, n - 1 AS m FROM generate_series($1::int, $2::int - 1) AS n) s
),
e AS (
  SELECT b.n, x.step, x.stream_id, x.stream_version, x.event_type, x.data, x.call_id
  FROM b CROSS JOIN LATERAL (VALUES
    (0, 'booking-' || b.booking_id, 1, 'BookingRequested', jsonb_build_object(
       'eventTypeId', 4242, 'slotStart', b.slot, 'timeZone', 'Europe/Berlin', 'service', 'Beratung', 'language', 'de',
       'attendee', jsonb_build_object('name', b.name, 'email', b.email)), b.call_id),
    (1, 'calcom-uid-' || b.uid, 1, 'CalcomUidClaimed', jsonb_build_object('uid', b.uid), b.call_id),
    (2, 'booking-' || b.booking_id, 2, 'CalcomResponded', jsonb_build_object(
       'httpStatus', 201, 'uid', b.uid, 'calcomBookingId', b.calcom_id, 'status', 'accepted', 'start', b.slot,
       'createdAt', ${iso(`timestamptz '2025-11-01 09:00:00+00' + b.n * interval '2 ms'`)},
       'metadata', jsonb_build_object('call_id', b.call_id, 'booking_ref', b.booking_id),
       'attendees', jsonb_build_array(jsonb_build_object('name', b.name, 'email', b.email)), 'latencyMs', 312), b.call_id),
    (3, 'booking-' || b.booking_id, 3, 'CalcomBookingAccepted', jsonb_build_object(
       'uid', b.uid, 'calcomBookingId', b.calcom_id, 'status', 'accepted'), b.call_id),
    (4, 'booking-' || b.booking_id, 4, 'BookingConfirmedByWebhook', jsonb_build_object(
       'uid', b.uid, 'deliveryId', b.delivery_id, 'calcomBookingId', b.calcom_id), b.call_id)
  ) AS x(step, stream_id, stream_version, event_type, data, call_id)
  WHERE NOT b.dup
  UNION ALL
  SELECT b.n, x.step, x.stream_id, x.stream_version, x.event_type, x.data, x.call_id
  FROM b CROSS JOIN LATERAL (VALUES
    (0, 'booking-' || b.booking_id, 1, 'BookingRequested', jsonb_build_object(
       'eventTypeId', 4242, 'slotStart', b.slot, 'timeZone', 'Europe/Berlin', 'service', 'Beratung', 'language', 'de',
       'attendee', jsonb_build_object('name', b.name, 'email', b.email)), b.call_id),
    (1, 'booking-' || b.booking_id, 2, 'CalcomResponded', jsonb_build_object(
       'httpStatus', 200, 'uid', b.m_uid, 'calcomBookingId', b.m_calcom_id, 'status', 'accepted', 'start', b.slot,
       'createdAt', b.m_created_at, 'metadata', jsonb_build_object('call_id', b.m_call_id, 'booking_ref', b.m_booking_id),
       'attendees', jsonb_build_array(jsonb_build_object('name', b.m_name, 'email', b.m_email)), 'latencyMs', 380), b.call_id),
    (2, 'booking-' || b.booking_id, 3, 'DuplicateDetected', jsonb_build_object(
       'reasons', jsonb_build_array('metadata_booking_ref_mismatch', 'metadata_call_id_mismatch', 'uid_already_claimed'),
       'conflicting', jsonb_build_object('uid', b.m_uid, 'calcomBookingId', b.m_calcom_id, 'createdAt', b.m_created_at,
         'metadataCallId', b.m_call_id, 'metadataBookingRef', b.m_booking_id, 'ownerBookingId', b.m_booking_id)), b.call_id),
    (3, 'booking-' || b.booking_id, 4, 'WebhookMismatchRecorded', jsonb_build_object(
       'uid', b.m_uid, 'deliveryId', b.m_delivery_id, 'triggerEvent', 'BOOKING_CREATED',
       'reasons', jsonb_build_array('call_id_mismatch'), 'receivedCallId', b.m_call_id), b.call_id),
    (4, 'calcom-webhook-' || b.delivery_id, 1, 'CalcomWebhookReceived', jsonb_build_object(
       'triggerEvent', 'BOOKING_CANCELLED', 'uid', b.m_uid, 'callId', b.call_id,
       'body', jsonb_build_object('triggerEvent', 'BOOKING_CANCELLED', 'payload', jsonb_build_object('uid', b.m_uid))), b.call_id)
  ) AS x(step, stream_id, stream_version, event_type, data, call_id)
  WHERE b.dup
),
t AS (
  SELECT e.*, b.booking_id, b.delivery_id, (e.n + 16 * e.step) * 5 + e.step AS ord
  FROM e JOIN b USING (n)
),
ins AS (
  INSERT INTO bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
  SELECT stream_id, stream_version, gen_random_uuid(), event_type, 1,
    -- delivery events name their delivery; every booking event names its booking and call.
    CASE WHEN event_type = 'CalcomWebhookReceived' THEN data || jsonb_build_object('deliveryId', delivery_id, 'occurredAt', occurred)
         ELSE data || jsonb_build_object('bookingId', booking_id, 'callId', call_id, 'occurredAt', occurred) END,
    jsonb_build_object('occurredAt', occurred, 'callId', call_id, 'correlationId', 'req-' || n, 'causationId', 'req-' || n),
    recorded
  FROM (SELECT t.*, timestamptz '2025-11-01 09:00:00+00' + ord * interval '400 microseconds' AS recorded,
               ${iso(`timestamptz '2025-11-01 09:00:00+00' + ord * interval '400 microseconds' - interval '5 ms'`)} AS occurred
        FROM t) r
  ORDER BY ord
  RETURNING stream_id, stream_version
)
INSERT INTO bl_streams (stream_id, version)
SELECT stream_id, max(stream_version) FROM ins GROUP BY stream_id
ON CONFLICT (stream_id) DO UPDATE SET version = greatest(bl_streams.version, excluded.version)`;

/**
 * Appends `bookings` bookings (5 events each) to `bl_events`/`bl_streams` (the schema must exist),
 * in chunks of `chunk` bookings per statement, then VACUUM ANALYZE so readers start from a settled table.
 */
export const seedBookings = async (
  db: SqlExecutor,
  bookings: number,
  { chunk = 20_000, onProgress }: { chunk?: number; onProgress?(done: number): void } = {},
): Promise<number> => {
  for (let from = 0; from < bookings; from += chunk) {
    await db.query(seedSql, [from, Math.min(bookings, from + chunk)]);
    onProgress?.(Math.min(bookings, from + chunk));
  }
  await db.query('VACUUM ANALYZE bl_events');
  await db.query('VACUUM ANALYZE bl_streams');
  return bookings * EVENTS_PER_BOOKING;
};

/**
 * Readers see only transactions older than the oldest one still running anywhere on the server
 * (`pg_snapshot_xmin`), so a test holding a transaction open elsewhere hides the fresh events for a
 * while. Waits until the whole seed is visible; returns how long that took.
 */
export const waitUntilVisible = async (eventStore: EventStore, db: SqlExecutor, timeoutMs = 120_000): Promise<number> => {
  const started = Date.now();
  const { rows } = await db.query<{ max: string }>('SELECT max(global_position)::text AS max FROM bl_events');
  for (;;) {
    const head = await eventStore.headPosition();
    if (head !== undefined && head.endsWith(rows[0]!.max.padStart(20, '0'))) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error('seeded events stayed invisible: a transaction elsewhere on the server is held open');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

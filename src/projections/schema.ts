import { waitForLeaderLockSql } from './leaderLock';
import { parkedEventsTable } from './parkedEvents';
import { sqlValueList, valueListCheckSql } from './valueListCheck';

/**
 * Read-model schema, idempotent: safe to run at every start, by several processes at once
 * (an advisory lock serialises concurrent migrations). Every table here is rebuildable from events.
 */

/** Where each projection has got to in the event store's global order (committed with its rows). */
const checkpointsTable = `
CREATE TABLE IF NOT EXISTS bl_projection_checkpoints (
  name       text PRIMARY KEY,
  position   text COLLATE "C",
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;

export const projectionCheckpointsSchema = `
BEGIN;
SELECT pg_advisory_xact_lock(4242002);
${checkpointsTable}
${parkedEventsTable}

COMMIT;
`;

/** The status names of a booking (src/domain/booking.ts); 'none' only for a stream without BookingRequested. */
export const appointmentStatuses = [
  'none',
  'requested',
  'awaiting_webhook',
  'awaiting_host',
  'confirmed',
  'duplicate',
  'slot_unavailable',
  'failed',
  'unconfirmed',
  'cancelled',
  'rejected',
  'reschedule_requested',
] as const;

export const uidTouchKinds = ['claimed', 'returned', 'confirmed', 'webhook_mismatch', 'host_requested', 'rescheduled'] as const;
export type UidTouchKind = (typeof uidTouchKinds)[number];


/**
 * `bl_appointments`: one row per booking. `calcom_uid` is the uid verified as this booking's own,
 * and a confirmed uid can belong to one row only (partial unique index: the incident's DB guard).
 * `bl_uid_touches`: every Cal.com uid a booking touched, and how. `bl_duplicates`: uids touched by
 * more than one booking.
 */
export const appointmentsSchema = `
BEGIN;
SELECT pg_advisory_xact_lock(4242002);
-- No batch runs while the tables are altered: the ALTERs and CREATE INDEXes below lock the tables one
-- after another, a batch writes them in another order, and the two deadlocked (a rebuild, a starting instance).
${waitForLeaderLockSql('appointments')}
${checkpointsTable}
${parkedEventsTable}
CREATE TABLE IF NOT EXISTS bl_appointments (
  booking_id                 text PRIMARY KEY,
  call_id                    text,
  status                     text NOT NULL,
  calcom_uid                 text,
  calcom_booking_id          bigint,
  event_type_id              bigint,
  slot_start                 timestamptz,
  service                    text,
  requested_at               timestamptz,
  confirmed_at               timestamptz,
  duplicate_of_uid           text,
  duplicate_owner_booking_id text,
  duplicate_reasons          text[] NOT NULL DEFAULT '{}',
  failure_reason             text,
  updated_at                 timestamptz NOT NULL,
  last_event_position        text COLLATE "C" NOT NULL,
  last_event_type            text NOT NULL
);
-- Added after the first release (a read model is rebuildable; the columns are added in place).
-- The statuses a row may have; re-checked against the table only when the list changed.
${valueListCheckSql('bl_appointments', 'status', appointmentStatuses)}
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS host_acceptance_delivery_id text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS practice_id text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS caller_number text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS calcom_lookup_outcome text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS calcom_status text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS calcom_metadata_call_id_matches boolean;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS calcom_looked_up_at timestamptz;
-- A move under way (reschedule_appointment): the reconciler settles one that no webhook proves.
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS move_id text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS move_from_uid text;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS move_to_slot_start timestamptz;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS move_requested_at timestamptz;
ALTER TABLE bl_appointments ADD COLUMN IF NOT EXISTS move_stage text;
CREATE INDEX IF NOT EXISTS bl_appointments_call_id ON bl_appointments (call_id);
-- Callers who call back: their upcoming bookings by practice and trusted number.
CREATE INDEX IF NOT EXISTS bl_appointments_caller ON bl_appointments (practice_id, caller_number, slot_start) WHERE caller_number IS NOT NULL;
CREATE INDEX IF NOT EXISTS bl_appointments_calcom_uid ON bl_appointments (calcom_uid);
CREATE INDEX IF NOT EXISTS bl_appointments_duplicate_of_uid ON bl_appointments (duplicate_of_uid) WHERE duplicate_of_uid IS NOT NULL;
-- The console's unconfirmed bookings, most recently changed first.
CREATE INDEX IF NOT EXISTS bl_appointments_status_updated ON bl_appointments (status, updated_at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS bl_appointments_one_confirmed_uid ON bl_appointments (calcom_uid) WHERE status = 'confirmed';

CREATE TABLE IF NOT EXISTS bl_uid_touches (
  booking_id  text NOT NULL,
  calcom_uid  text NOT NULL,
  kind        text NOT NULL CHECK (kind IN (${sqlValueList(uidTouchKinds)})),
  reasons     text[] NOT NULL DEFAULT '{}',
  call_id     text,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (booking_id, calcom_uid, kind)
);
CREATE INDEX IF NOT EXISTS bl_uid_touches_uid ON bl_uid_touches (calcom_uid);
-- The console's webhook mismatches, newest first.
CREATE INDEX IF NOT EXISTS bl_uid_touches_kind_recorded ON bl_uid_touches (kind, recorded_at DESC);

-- One row per Retell call (src/projections/callRows.ts): the analysts' index of recent calls.
CREATE TABLE IF NOT EXISTS bl_calls (
  call_id             text PRIMARY KEY,
  practice_id         text,
  first_at            timestamptz NOT NULL,
  last_at             timestamptz NOT NULL,
  agent_id            text,
  from_number_masked  text,
  answers             int NOT NULL DEFAULT 0,
  last_function       text,
  last_status         text,
  last_message        text,
  last_booking_id     text,
  last_booking_status text,
  last_answered_at    timestamptz,
  ended_at            timestamptz,
  last_event_position text COLLATE "C" NOT NULL
);
-- The index lists the most recent calls first (GET /console).
CREATE INDEX IF NOT EXISTS bl_calls_last_at ON bl_calls (last_at DESC);
CREATE INDEX IF NOT EXISTS bl_calls_practice_last_at ON bl_calls (practice_id, last_at DESC);

-- Every finding the truth audit recorded (src/projections/auditFindingRows.ts), newest first on the index.
CREATE TABLE IF NOT EXISTS bl_audit_findings (
  event_id    text PRIMARY KEY,
  kind        text NOT NULL,
  call_id     text NOT NULL,
  booking_id  text,
  told_at     text NOT NULL,
  detail      text NOT NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS bl_audit_findings_recorded_at ON bl_audit_findings (recorded_at DESC);

-- Every recorded Cal.com booking delivery and how it was settled (src/projections/deliveryRows.ts);
-- the delivery resumer reads the unsettled ones, oldest first.
CREATE TABLE IF NOT EXISTS bl_webhook_deliveries (
  delivery_id   text PRIMARY KEY,
  trigger_event text,
  calcom_uid    text,
  call_id       text,
  -- The practice whose secret verified it (null: the environment's secret, or a v1 record).
  practice_id   text,
  received_at   timestamptz,
  settled_at    timestamptz,
  settled_as    text CHECK (settled_as IN ('routed', 'orphaned', 'abandoned')),
  -- Why it was abandoned.
  reason        text
);
-- (Columns added after the table's first version, in place.)
ALTER TABLE bl_webhook_deliveries ADD COLUMN IF NOT EXISTS calcom_uid text;
ALTER TABLE bl_webhook_deliveries ADD COLUMN IF NOT EXISTS call_id text;
ALTER TABLE bl_webhook_deliveries ADD COLUMN IF NOT EXISTS practice_id text;
ALTER TABLE bl_webhook_deliveries ADD COLUMN IF NOT EXISTS reason text;
CREATE INDEX IF NOT EXISTS bl_webhook_deliveries_unsettled ON bl_webhook_deliveries (received_at) WHERE settled_at IS NULL;
-- The console's abandoned deliveries, newest first.
CREATE INDEX IF NOT EXISTS bl_webhook_deliveries_abandoned ON bl_webhook_deliveries (settled_at DESC) WHERE settled_as = 'abandoned';

CREATE OR REPLACE VIEW bl_duplicates AS
SELECT t.calcom_uid,
       count(DISTINCT t.booking_id)::int                                            AS booking_count,
       array_agg(DISTINCT t.booking_id ORDER BY t.booking_id)                       AS booking_ids,
       coalesce(array_agg(DISTINCT t.call_id ORDER BY t.call_id)
                  FILTER (WHERE t.call_id IS NOT NULL), '{}')                       AS call_ids,
       coalesce((SELECT array_agg(DISTINCT r ORDER BY r)
                   FROM bl_uid_touches r_t, unnest(r_t.reasons) AS r
                  WHERE r_t.calcom_uid = t.calcom_uid), '{}')                       AS reasons,
       array_agg(DISTINCT t.kind ORDER BY t.kind)                                   AS kinds,
       min(t.recorded_at)                                                           AS first_touched_at,
       max(t.recorded_at)                                                           AS last_touched_at
  FROM bl_uid_touches t
 GROUP BY t.calcom_uid
HAVING count(DISTINCT t.booking_id) > 1;

COMMIT;
`;

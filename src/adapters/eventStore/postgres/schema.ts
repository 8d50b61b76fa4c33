/**
 * Event store schema, idempotent: safe to run at every start, by several processes at once
 * (an advisory lock serialises concurrent migrations).
 *
 * Global order: every event records the id of the transaction that wrote it (`xid8`).
 * Readers order by (transaction_id, global_position) and only see transactions older than the
 * oldest one still running (`pg_snapshot_xmin`), so a writer that commits late is never skipped.
 */
export const eventStoreSchema = `
BEGIN;
SELECT pg_advisory_xact_lock(4242001);

CREATE TABLE IF NOT EXISTS bl_streams (
  stream_id text PRIMARY KEY,
  version   bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS bl_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL,
  event_id        uuid NOT NULL,
  event_type      text NOT NULL,
  schema_version  int NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  call_id         text GENERATED ALWAYS AS (metadata->>'callId') STORED,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
);
-- Every index an event writes, and the query that needs it (src/adapters/eventStore/postgres/):
--   primary key (global_position)       the table's identity (replication, tools); no query of ours
--   UNIQUE (stream_id, stream_version)   readStream, and the append's optimistic concurrency
--   bl_events_global_order               readAll and headPosition (projections, subscriptions)
--   bl_events_call_id (partial)          eventsForCalls (timeline of a call, truth audit)
--   bl_events_recorded_at                eventsRecordedBetween (timeline of a time range, truth audit)
--   bl_events_data_uid (partial)         eventsNamingUid (timeline of a Cal.com uid)
-- event_id is not indexed: no query looks an event up by id, and the store generates every id (v4).
ALTER TABLE bl_events DROP CONSTRAINT IF EXISTS bl_events_event_id_key;
CREATE INDEX IF NOT EXISTS bl_events_global_order ON bl_events (transaction_id, global_position);
CREATE INDEX IF NOT EXISTS bl_events_call_id ON bl_events (call_id, global_position) WHERE call_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS bl_events_recorded_at ON bl_events (recorded_at);
CREATE INDEX IF NOT EXISTS bl_events_data_uid ON bl_events ((data->>'uid'), global_position) WHERE (data->>'uid') IS NOT NULL;

CREATE OR REPLACE FUNCTION bl_append(p_stream text, p_expected text, p_expected_version bigint, p_events jsonb)
RETURNS TABLE (next_version bigint, last_position text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count bigint := jsonb_array_length(p_events);
  v_new bigint;
  v_current bigint;
  v_last bigint;
BEGIN
  IF p_expected = 'no_stream' OR (p_expected = 'exact' AND p_expected_version = 0) THEN
    INSERT INTO bl_streams (stream_id, version) VALUES (p_stream, v_count)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING version INTO v_new;
  ELSIF p_expected = 'any' THEN
    INSERT INTO bl_streams AS s (stream_id, version) VALUES (p_stream, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count
      RETURNING s.version INTO v_new;
  ELSE
    UPDATE bl_streams SET version = version + v_count
      WHERE stream_id = p_stream AND (p_expected = 'stream_exists' OR version = p_expected_version)
      RETURNING version INTO v_new;
  END IF;

  IF v_new IS NULL THEN
    SELECT version INTO v_current FROM bl_streams WHERE stream_id = p_stream;
    -- DETAIL: the stream's actual version; HINT: the stream (which one of a multi-stream append lost).
    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'BL409', DETAIL = coalesce(v_current::text, 'absent'), HINT = p_stream;
  END IF;

  WITH inserted AS (
    INSERT INTO bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
    SELECT p_stream, v_new - v_count + e.ord, (e.value->>'id')::uuid, e.value->>'type',
           (e.value->>'schemaVersion')::int, e.value->'data', e.value->'metadata'
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord)
    ORDER BY e.ord
    RETURNING global_position
  )
  SELECT max(global_position) INTO v_last FROM inserted;

  RETURN QUERY SELECT v_new, lpad(pg_current_xact_id()::text, 20, '0') || ':' || lpad(v_last::text, 20, '0');
END;
$fn$;

-- A statement that appends to several streams first takes a lock for each of them, all in one order
-- (by the lock's key), and holds them to its commit: two such statements never wait for each other in a
-- circle (a deadlock, found only after deadlock_timeout). A single-stream bl_append holds one row lock and
-- waits for nothing while holding it, so it needs none. Keys: (4242002, hashtext(stream)); equal hashes
-- only make two appends take turns.
CREATE OR REPLACE FUNCTION bl_lock_streams(p_streams text[])
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  v_key int;
BEGIN
  FOR v_key IN SELECT DISTINCT hashtext(s) AS k FROM unnest(p_streams) AS s ORDER BY k LOOP
    PERFORM pg_advisory_xact_lock(4242002, v_key);
  END LOOP;
END;
$fn$;

-- The check of a multi-stream append sent as one plain statement (plainStatementAppend.ts, PGlite): each
-- stream's version step left a row (p_held, in the order of p_streams), or the first stream whose step
-- left none raises BL409 as bl_append does, and the whole statement, every step of it, is rolled back.
CREATE OR REPLACE FUNCTION bl_steps_held(p_streams text[], p_held bigint[])
RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE
  v_current bigint;
BEGIN
  FOR i IN 1 .. array_length(p_streams, 1) LOOP
    IF p_held[i] = 0 THEN
      SELECT version INTO v_current FROM bl_streams WHERE stream_id = p_streams[i];
      RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'BL409', DETAIL = coalesce(v_current::text, 'absent'), HINT = p_streams[i];
    END IF;
  END LOOP;
  RETURN true;
END;
$fn$;

-- Several streams in one statement, so in one transaction: all or none (a conflict on any raises BL409).
CREATE OR REPLACE FUNCTION bl_append_many(p_appends jsonb)
RETURNS TABLE (append_ord int, append_next_version bigint, append_last_position text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_append jsonb;
  v_ord int := 0;
BEGIN
  PERFORM bl_lock_streams(ARRAY(SELECT value->>'stream' FROM jsonb_array_elements(p_appends)));
  FOR v_append IN SELECT value FROM jsonb_array_elements(p_appends) LOOP
    v_ord := v_ord + 1;
    RETURN QUERY SELECT v_ord, r.next_version, r.last_position
      FROM bl_append(v_append->>'stream', v_append->>'expected', (v_append->>'version')::bigint, v_append->'events') AS r;
  END LOOP;
END;
$fn$;

-- Several independent appends in one statement and one transaction (one commit, one WAL flush for all):
-- each unit is a bl_append_many (all or none) in a subtransaction of its own, so a unit that fails (a lost
-- race, anything else) is rolled back alone and returned as its error; the other units are kept. A unit's
-- rows are only returned once it succeeded. Units run in order, so two appends to one stream follow each other.
CREATE OR REPLACE FUNCTION bl_append_batch(p_units jsonb)
RETURNS TABLE (unit_ord int, unit_next_version bigint, unit_last_position text, unit_error_code text, unit_error_message text, unit_error_detail text, unit_error_hint text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_unit jsonb;
  v_ord int := 0;
  v_versions bigint[];
  v_positions text[];
  v_code text;
  v_message text;
  v_detail text;
  v_hint text;
BEGIN
  PERFORM bl_lock_streams(ARRAY(SELECT a.value->>'stream' FROM jsonb_array_elements(p_units) AS u, jsonb_array_elements(u.value) AS a));
  FOR v_unit IN SELECT value FROM jsonb_array_elements(p_units) LOOP
    v_ord := v_ord + 1;
    BEGIN
      -- (bl_append_many takes its streams' locks again: this transaction already holds them.)
      SELECT array_agg(m.append_next_version ORDER BY m.append_ord), array_agg(m.append_last_position ORDER BY m.append_ord)
        INTO v_versions, v_positions FROM bl_append_many(v_unit) AS m;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_code = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
      RETURN QUERY SELECT v_ord, NULL::bigint, NULL::text, v_code, v_message, v_detail, v_hint;
      CONTINUE;
    END;
    RETURN QUERY SELECT v_ord, v_versions[g.i], v_positions[g.i], NULL::text, NULL::text, NULL::text, NULL::text
      FROM generate_subscripts(v_versions, 1) AS g(i) ORDER BY g.i;
  END LOOP;
END;
$fn$;

COMMIT;
`;

import type { SqlExecutor } from '../../../application/ports/sql';
import type { AppendRow, StreamAppendPayload } from './appendBatcher';
import { encodePgPosition } from './positions';

type EventPayload = { id: string; type: string; schemaVersion?: number; data: unknown; metadata: unknown };

/** Parameters numbered as they are pushed. */
const parameters = () => {
  const values: unknown[] = [];
  return { values, add: (value: unknown) => `$${values.push(value)}` };
};

/** A stream's version step, as a CTE body: the row it leaves, or none when the expected version does not hold. */
const versionStep = ({ expected, version }: StreamAppendPayload, stream: string, count: string, add: (v: unknown) => string): string => {
  if (expected === 'no_stream' || (expected === 'exact' && version === 0))
    return `INSERT INTO bl_streams (stream_id, version) VALUES (${stream}, ${count}) ON CONFLICT (stream_id) DO NOTHING RETURNING version`;
  if (expected === 'any')
    return `INSERT INTO bl_streams AS s (stream_id, version) VALUES (${stream}, ${count}) ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version RETURNING s.version`;
  const exact = expected === 'exact' ? ` AND version = ${add(version)}::bigint` : '';
  return `UPDATE bl_streams SET version = version + ${count} WHERE stream_id = ${stream}${exact} RETURNING version`;
};

/** One stream's events, numbered from its step's version: a SELECT of the rows bl_events takes. */
const eventsOf = (payload: StreamAppendPayload, step: string, unit: number, stream: string, count: string, add: (v: unknown) => string): string => {
  const rows = (payload.events as EventPayload[]).map(
    (e, i) => `(${i + 1}, ${add(e.id)}::uuid, ${add(e.type)}::text, ${add(e.schemaVersion ?? null)}::int, ${add(JSON.stringify(e.data))}::jsonb, ${add(JSON.stringify(e.metadata))}::jsonb)`,
  );
  return `SELECT ${unit} AS unit, v.ord, ${stream} AS stream_id, ${step}.version - ${count} + v.ord AS stream_version, v.id, v.type, v.schema_version, v.data, v.metadata
  FROM ${step}, (VALUES ${rows.join(', ')}) AS v(ord, id, type, schema_version, data, metadata)`;
};

/** The statement and its parameters; with several streams, bl_steps_held rolls all of it back when one step left no row. */
const statementFor = (unit: StreamAppendPayload[]) => {
  const { values, add } = parameters();
  const steps: string[] = [];
  const selects: string[] = [];
  const streams: string[] = [];
  const held: string[] = [];
  unit.forEach((payload, i) => {
    const stream = `${add(payload.stream)}::text`;
    const count = `${add(payload.events.length)}::bigint`;
    steps.push(`s${i + 1} AS (${versionStep(payload, stream, count, add)})`);
    selects.push(eventsOf(payload, `s${i + 1}`, i + 1, stream, count, add));
    streams.push(stream);
    held.push(`(SELECT count(*) FROM s${i + 1})`);
  });
  // (The function, plpgsql, is called only when a step left no row: CASE evaluates the branch it takes.)
  const allHeld = held.map((h) => `${h} > 0`).join(' AND ');
  const check = unit.length > 1 ? `, held AS (SELECT CASE WHEN ${allHeld} THEN true ELSE bl_steps_held(ARRAY[${streams.join(', ')}], ARRAY[${held.join(', ')}]) END AS ok)` : '';
  const text = `WITH ${steps.join(', ')}${check}
INSERT INTO bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
SELECT x.stream_id, x.stream_version, x.id, x.type, x.schema_version, x.data, x.metadata
FROM (${selects.join('\nUNION ALL ')}) AS x${unit.length > 1 ? ', held WHERE held.ok' : ''}
ORDER BY x.unit, x.ord
RETURNING stream_id, stream_version::text AS version, global_position::text AS gpos, transaction_id::text AS txid`;
  return { text, values };
};

/** Each stream's next version and last position, in the unit's order. */
const perStream = (unit: StreamAppendPayload[], rows: Array<{ stream_id: string; version: string; gpos: string; txid: string }>): AppendRow[] =>
  unit.map(({ stream }) => {
    const last = rows.filter((row) => row.stream_id === stream).reduce((a, b) => (BigInt(b.gpos) > BigInt(a.gpos) ? b : a));
    return { next_version: last.version, last_position: encodePgPosition(last.txid, last.gpos) };
  });

/** A statement carries at most 65,535 parameters (the protocol's Bind counts them in 16 bits). */
const MAX_PARAMETERS = 65_535;
/** What statementFor sends, at most: a stream id, a count and a version per stream, five per event. */
const parametersOf = (unit: StreamAppendPayload[]): number => unit.reduce((n, p) => n + 3 + 5 * p.events.length, 0);

/**
 * An append of one stream, or of several distinct ones all or none, as one plain statement without
 * plpgsql (on PGlite bl_append took a fifth to a third of a lone append's time, bl_append_many a fifth of
 * a two-stream one: bench/diagnose/appendSplit.ts, with and without `--streams 2`): the streams' version steps and their events in one
 * statement, one transaction. It takes no stream locks, so it is only for a database with one connection
 * (PGlite): two such statements over the same streams on a server could deadlock. When an expected version
 * does not hold, nothing is written: one stream's step leaves no row and the store raises the error
 * bl_append would (SQLSTATE BL409, DETAIL the actual version, HINT the stream) after reading the version;
 * several streams' check (bl_steps_held) raises it. A unit that names a stream twice, or has more events
 * than one statement's parameters can carry (over 13,000), goes to `several`.
 */
export const appendInOneStatement = async (db: SqlExecutor, unit: StreamAppendPayload[], several: () => Promise<AppendRow[]>): Promise<AppendRow[]> => {
  if (new Set(unit.map((p) => p.stream)).size < unit.length || parametersOf(unit) > MAX_PARAMETERS) return several();
  const { text, values } = statementFor(unit);
  const { rows } = await db.query<{ stream_id: string; version: string; gpos: string; txid: string }>(text, values);
  if (rows.length > 0) return perStream(unit, rows);
  // No stream's step left a row, so no check ran: the function says which stream, as it would have.
  if (unit.length > 1) return several();
  const { stream } = unit[0]!;
  const actual = (await db.query<{ version: string }>('SELECT version::text FROM bl_streams WHERE stream_id = $1', [stream])).rows[0]?.version;
  throw Object.assign(new Error('wrong expected version'), { code: 'BL409', detail: actual ?? 'absent', hint: stream });
};

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

/** One append's events, numbered from its stream's step (`before`: events of the unit's earlier appends to that stream). */
const eventsOf = (payload: StreamAppendPayload, step: string, unit: number, stream: string, count: string, before: number, add: (v: unknown) => string): string => {
  const rows = (payload.events as EventPayload[]).map(
    (e, i) => `(${i + 1}, ${add(e.id)}::uuid, ${add(e.type)}::text, ${add(e.schemaVersion ?? null)}::int, ${add(JSON.stringify(e.data))}::jsonb, ${add(JSON.stringify(e.metadata))}::jsonb)`,
  );
  return `SELECT ${unit} AS unit, v.ord, ${stream} AS stream_id, ${step}.version - ${count} + ${before} + v.ord AS stream_version, v.id, v.type, v.schema_version, v.data, v.metadata
  FROM ${step}, (VALUES ${rows.join(', ')}) AS v(ord, id, type, schema_version, data, metadata)`;
};

/** A stream of the unit: its first append's expectation, all its appends' events, the version known after them. */
interface StreamStep {
  first: StreamAppendPayload;
  count: number;
  known: number | undefined;
}

/**
 * The unit's streams, each once, in the order they first appear; with the events before each append on
 * its stream. An append to a stream the unit already wrote holds whenever the earlier ones did, or it is
 * not one statement (undefined): at any version, once it exists, or at exactly the version they leave.
 */
const streamSteps = (unit: StreamAppendPayload[]): { steps: Map<string, StreamStep>; before: number[] } | undefined => {
  const steps = new Map<string, StreamStep>();
  const before: number[] = [];
  for (const payload of unit) {
    const step = steps.get(payload.stream);
    if (!step) {
      const from = payload.expected === 'no_stream' ? 0 : payload.expected === 'exact' ? payload.version : undefined;
      steps.set(payload.stream, { first: payload, count: payload.events.length, known: from === undefined ? undefined : from + payload.events.length });
      before.push(0);
      continue;
    }
    const holds = payload.expected === 'any' || payload.expected === 'stream_exists' || (payload.expected === 'exact' && payload.version === step.known);
    if (!holds) return undefined;
    before.push(step.count);
    step.count += payload.events.length;
    step.known = step.known === undefined ? undefined : step.known + payload.events.length;
  }
  return { steps, before };
};

/** The statement and its parameters; with several streams, bl_steps_held rolls all of it back when one step left no row. */
const statementFor = (unit: StreamAppendPayload[]) => {
  const planned = streamSteps(unit);
  if (!planned) return undefined;
  const { values, add } = parameters();
  const names = new Map<string, { step: string; stream: string; count: string }>();
  const steps: string[] = [];
  const held: string[] = [];
  for (const [id, { first, count: total }] of planned.steps) {
    const step = `s${names.size + 1}`;
    const stream = `${add(id)}::text`;
    const count = `${add(total)}::bigint`;
    names.set(id, { step, stream, count });
    steps.push(`${step} AS (${versionStep(first, stream, count, add)})`);
    held.push(`(SELECT count(*) FROM ${step})`);
  }
  const selects = unit.map((payload, i) => {
    const { step, stream, count } = names.get(payload.stream)!;
    return eventsOf(payload, step, i + 1, stream, count, planned.before[i]!, add);
  });
  const streams = [...names.values()].map((n) => n.stream);
  // (The function, plpgsql, is called only when a step left no row: CASE evaluates the branch it takes.)
  const allHeld = held.map((h) => `${h} > 0`).join(' AND ');
  const several = names.size > 1;
  const check = several ? `, held AS (SELECT CASE WHEN ${allHeld} THEN true ELSE bl_steps_held(ARRAY[${streams.join(', ')}], ARRAY[${held.join(', ')}]) END AS ok)` : '';
  const text = `WITH ${steps.join(', ')}${check}
INSERT INTO bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
SELECT x.stream_id, x.stream_version, x.id, x.type, x.schema_version, x.data, x.metadata
FROM (${selects.join('\nUNION ALL ')}) AS x${several ? ', held WHERE held.ok' : ''}
ORDER BY x.unit, x.ord
RETURNING stream_id, stream_version::text AS version, global_position::text AS gpos, transaction_id::text AS txid`;
  return { text, values, before: planned.before };
};

type EventRowBack = { stream_id: string; version: string; gpos: string; txid: string };

/** Each append's next version and last position, in the unit's order: its own rows of its stream. */
const perAppend = (unit: StreamAppendPayload[], before: number[], rows: EventRowBack[]): AppendRow[] =>
  unit.map(({ stream, events }, i) => {
    const ofStream = rows.filter((row) => row.stream_id === stream);
    const start = Math.min(...ofStream.map((row) => Number(row.version))) - 1 + before[i]!;
    const last = ofStream.find((row) => Number(row.version) === start + events.length)!;
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
 * does not hold, nothing is written, and bl_steps_held raises the error bl_append would (SQLSTATE BL409,
 * DETAIL the actual version, HINT the stream): inside the statement when another stream's step held, after
 * it when none did. A stream the unit names twice is one step for all its events when its later appends
 * hold whenever its first does (streamSteps). A unit where one may not, or with more events than one
 * statement's parameters can carry (over 13,000), goes to `byFunction`.
 */
export const appendInOneStatement = async (db: SqlExecutor, unit: StreamAppendPayload[], byFunction: () => Promise<AppendRow[]>): Promise<AppendRow[]> => {
  const statement = parametersOf(unit) > MAX_PARAMETERS ? undefined : statementFor(unit);
  if (!statement) return byFunction();
  const { rows } = await db.query<EventRowBack>(statement.text, statement.values);
  if (rows.length > 0) return perAppend(unit, statement.before, rows);
  // Every append has events, so no row means no step held (and no check ran): the first stream is the
  // one to name, and bl_steps_held raises its conflict as it does inside the statement.
  await db.query('SELECT bl_steps_held(ARRAY[$1::text], ARRAY[0::bigint])', [unit[0]!.stream]);
  throw new Error('bl_steps_held did not refuse a step that left no row');
};

import type { SqlExecutor } from '../../../application/ports/sql';
import type { AppendRow, StreamAppendPayload } from './appendBatcher';
import { encodePgPosition } from './positions';

/** The stream's version step: the row it leaves, or none when the expected version does not hold. */
const versionStep = (expected: string, version: number): string => {
  if (expected === 'no_stream' || (expected === 'exact' && version === 0))
    return 'INSERT INTO bl_streams (stream_id, version) VALUES ($1, $2::bigint) ON CONFLICT (stream_id) DO NOTHING RETURNING version';
  if (expected === 'any')
    return 'INSERT INTO bl_streams AS s (stream_id, version) VALUES ($1, $2::bigint) ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version RETURNING s.version';
  if (expected === 'stream_exists') return 'UPDATE bl_streams SET version = version + $2::bigint WHERE stream_id = $1 RETURNING version';
  return 'UPDATE bl_streams SET version = version + $2::bigint WHERE stream_id = $1 AND version = $3::bigint RETURNING version';
};

/** Only an exact version (`$3`) is a parameter of its own: PostgreSQL cannot type a parameter that no statement uses. */
const checksVersion = (expected: string, version: number): boolean => expected === 'exact' && version !== 0;

/** `(ord, id, type, schema version, data, metadata)` for each event, as parameters from `first` on. */
const eventRows = (count: number, first: number): string =>
  Array.from({ length: count }, (_, i) => {
    const p = first + i * 5;
    return `(${i + 1}, $${p}::uuid, $${p + 1}::text, $${p + 2}::int, $${p + 3}::jsonb, $${p + 4}::jsonb)`;
  }).join(', ');

const statements = new Map<string, string>();

/** The statement for an expected-version kind and an event count (built once each). */
const statementFor = (expected: string, version: number, count: number): string => {
  const key = `${expected === 'exact' && version === 0 ? 'no_stream' : expected}:${count}`;
  let text = statements.get(key);
  if (text === undefined) {
    text = `WITH s AS (${versionStep(expected, version)})
INSERT INTO bl_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
SELECT $1, s.version - $2::bigint + v.ord, v.id, v.type, v.schema_version, v.data, v.metadata
FROM s, (VALUES ${eventRows(count, checksVersion(expected, version) ? 4 : 3)}) AS v(ord, id, type, schema_version, data, metadata)
ORDER BY v.ord
RETURNING stream_version::text AS version, global_position::text AS gpos, transaction_id::text AS txid`;
    statements.set(key, text);
  }
  return text;
};

type EventPayload = { id: string; type: string; schemaVersion?: number; data: unknown; metadata: unknown };

/**
 * One stream's append as one plain statement, without bl_append's plpgsql (a quarter of an append's time
 * on PGlite, bench/diagnose/appendSplit.ts): the version step and the events in one statement, one
 * transaction. When the expected version does not hold, the step leaves no row, nothing is written and
 * nothing fails on the server; the store raises the same error bl_append would (SQLSTATE BL409, DETAIL
 * the actual version, HINT the stream) after reading the actual version.
 */
export const appendOneStream = async (db: SqlExecutor, { stream, expected, version, events }: StreamAppendPayload): Promise<AppendRow[]> => {
  const values: unknown[] = checksVersion(expected, version) ? [stream, events.length, version] : [stream, events.length];
  for (const event of events as EventPayload[]) values.push(event.id, event.type, event.schemaVersion ?? null, JSON.stringify(event.data), JSON.stringify(event.metadata));
  const { rows } = await db.query<{ version: string; gpos: string; txid: string }>(statementFor(expected, version, events.length), values);
  if (rows.length === 0) {
    const actual = (await db.query<{ version: string }>('SELECT version::text FROM bl_streams WHERE stream_id = $1', [stream])).rows[0]?.version;
    throw Object.assign(new Error('wrong expected version'), { code: 'BL409', detail: actual ?? 'absent', hint: stream });
  }
  const last = rows.reduce((a, b) => (BigInt(b.gpos) > BigInt(a.gpos) ? b : a));
  return [{ next_version: last.version, last_position: encodePgPosition(last.txid, last.gpos) }];
};

import type { StoredEvent } from '../../../application/ports/eventStore';
import { encodePgPosition } from './positions';

export interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  txid: string;
  gpos: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: StoredEvent['metadata'];
  recorded_at: Date | string;
}

/** Columns cast to portable types so `pg` and PGlite return the same shapes. */
export const eventColumns = `event_id::text, stream_id, stream_version::int, transaction_id::text AS txid,
  global_position::text AS gpos, event_type, schema_version, data, metadata, recorded_at`;

export const toStoredEvent = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  position: encodePgPosition(row.txid, row.gpos),
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
});

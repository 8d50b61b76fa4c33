import type { StoredEvent } from '../application/ports/eventStore';
import type { SqlExecutor } from '../application/ports/sql';
import { TruthAuditFindingRecorded } from '../domain';

/**
 * `bl_audit_findings`: every finding the truth audit recorded (`TruthAuditFindingRecorded`, one event
 * per finding), for the analysts' index. Keyed by event id: applying an event again adds nothing.
 */
interface FindingRow {
  event_id: string;
  kind: string;
  call_id: string;
  booking_id: string | null;
  told_at: string;
  detail: string;
  recorded_at: string;
}

const insertFindingsSql = `
INSERT INTO bl_audit_findings (event_id, kind, call_id, booking_id, told_at, detail, recorded_at)
SELECT * FROM json_to_recordset($1::json) AS r(event_id text, kind text, call_id text, booking_id text, told_at text, detail text, recorded_at timestamptz)
ON CONFLICT (event_id) DO NOTHING`;

export class AuditFindingBatch {
  private readonly rows: FindingRow[] = [];

  add(stored: StoredEvent): void {
    if (stored.type !== 'TruthAuditFindingRecorded') return;
    const d = TruthAuditFindingRecorded.shape.data.parse(stored.data);
    this.rows.push({ event_id: stored.id, kind: d.kind, call_id: d.callId, booking_id: d.bookingId ?? null, told_at: d.toldAt, detail: d.detail, recorded_at: stored.recordedAt.toISOString() });
  }

  async write(tx: SqlExecutor): Promise<void> {
    if (this.rows.length > 0) await tx.query(insertFindingsSql, [JSON.stringify(this.rows)]);
  }
}

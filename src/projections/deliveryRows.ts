import type { StoredEvent } from '../application/ports/eventStore';
import type { SqlExecutor } from '../application/ports/sql';
import { deliveryIdOfStream } from '../domain';

/**
 * `bl_webhook_deliveries`: one row per recorded Cal.com booking delivery (CalcomWebhookReceived) and how it
 * was settled (routed, orphaned, abandoned): the delivery resumer's work list (a row still unsettled some
 * time after it was received is one whose processing was interrupted) and the console's abandoned ones.
 * Each column keeps the first value an event gave it, so applying events again, or a settling event
 * before its delivery, changes nothing.
 */
const COLUMNS = ['delivery_id', 'trigger_event', 'calcom_uid', 'call_id', 'practice_id', 'received_at', 'settled_at', 'settled_as', 'reason'] as const;
type DeliveryRow = Record<(typeof COLUMNS)[number], string | null> & { delivery_id: string };
const TIMES = new Set(['received_at', 'settled_at']);

const upsertDeliveriesSql = `
INSERT INTO bl_webhook_deliveries AS d (${COLUMNS.join(', ')})
SELECT * FROM json_to_recordset($1::json) AS r(${COLUMNS.map((c) => `${c} ${TIMES.has(c) ? 'timestamptz' : 'text'}`).join(', ')})
ON CONFLICT (delivery_id) DO UPDATE SET
${COLUMNS.slice(1).map((c) => `  ${c} = coalesce(d.${c}, excluded.${c})`).join(',\n')}`;

const SETTLED_AS: Record<string, string> = { CalcomWebhookRouted: 'routed', CalcomWebhookOrphaned: 'orphaned', CalcomWebhookAbandoned: 'abandoned' };

type Data = Record<string, unknown> | null;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * When it happened by the service's clock (the event's `occurredAt`), which the resumer compares with its
 * own `now()`; the store's `recordedAt` is the database's clock. An unreadable one falls back to that.
 */
const occurredAt = (stored: StoredEvent): string => {
  const ms = Date.parse(text((stored.data as Data)?.occurredAt) ?? '');
  return Number.isNaN(ms) ? stored.recordedAt.toISOString() : new Date(ms).toISOString();
};

export class DeliveryBatch {
  private readonly rows = new Map<string, DeliveryRow>();

  add(stored: StoredEvent): void {
    const settledAs = SETTLED_AS[stored.type];
    // The delivery's id from its stream (`calcom-webhook-<id>`), not from data a reader would have to validate.
    const id = deliveryIdOfStream(stored.streamId);
    if ((stored.type !== 'CalcomWebhookReceived' && !settledAs) || id === undefined) return;
    const row = this.rows.get(id) ?? (Object.fromEntries(COLUMNS.map((c) => [c, c === 'delivery_id' ? id : null])) as DeliveryRow);
    const data = stored.data as Data;
    const at = occurredAt(stored);
    if (settledAs) {
      row.settled_at ??= at;
      row.settled_as ??= settledAs;
      if (settledAs === 'abandoned') row.reason ??= text(data?.reason);
    } else {
      row.trigger_event ??= text(data?.triggerEvent);
      row.calcom_uid ??= text(data?.uid);
      row.call_id ??= text(data?.callId);
      row.practice_id ??= text((data?.from as Data)?.practiceId);
      row.received_at ??= at;
    }
    this.rows.set(id, row);
  }

  async write(tx: SqlExecutor): Promise<void> {
    if (this.rows.size > 0) await tx.query(upsertDeliveriesSql, [JSON.stringify([...this.rows.values()])]);
  }
}

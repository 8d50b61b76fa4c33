import type { StoredEvent } from '../application/ports/eventStore';
import type { SqlExecutor } from '../application/ports/sql';

/**
 * `bl_webhook_deliveries`: one row per recorded Cal.com booking delivery (CalcomWebhookReceived) and how it
 * was settled (routed, orphaned, abandoned), for the delivery resumer: a row still unsettled some time
 * after it was received is one whose processing was interrupted. Each column keeps the first value an
 * event gave it, so applying events again, or a settling event before its delivery, changes nothing.
 */
interface DeliveryRow {
  delivery_id: string;
  trigger_event: string | null;
  received_at: string | null;
  settled_at: string | null;
  settled_as: string | null;
}

const SETTLED_AS: Record<string, string> = { CalcomWebhookRouted: 'routed', CalcomWebhookOrphaned: 'orphaned', CalcomWebhookAbandoned: 'abandoned' };

const upsertDeliveriesSql = `
INSERT INTO bl_webhook_deliveries AS d (delivery_id, trigger_event, received_at, settled_at, settled_as)
SELECT * FROM json_to_recordset($1::json) AS r(delivery_id text, trigger_event text, received_at timestamptz, settled_at timestamptz, settled_as text)
ON CONFLICT (delivery_id) DO UPDATE SET
  trigger_event = coalesce(d.trigger_event, excluded.trigger_event),
  received_at   = coalesce(d.received_at, excluded.received_at),
  settled_at    = coalesce(d.settled_at, excluded.settled_at),
  settled_as    = coalesce(d.settled_as, excluded.settled_as)`;

/** The delivery's id, from its stream (`calcom-webhook-<id>`) rather than from data a reader would have to validate. */
const deliveryIdOf = (stored: StoredEvent) => stored.streamId.slice('calcom-webhook-'.length);

/**
 * When it happened by the service's clock (the event's `occurredAt`), which the resumer compares with its
 * own `now()`; the store's `recordedAt` is the database's clock. An unreadable one falls back to that.
 */
const occurredAt = (stored: StoredEvent): string => {
  const value = (stored.data as { occurredAt?: unknown } | null)?.occurredAt;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? stored.recordedAt.toISOString() : new Date(ms).toISOString();
};

export class DeliveryBatch {
  private readonly rows = new Map<string, DeliveryRow>();

  add(stored: StoredEvent): void {
    const settledAs = SETTLED_AS[stored.type];
    if (stored.type !== 'CalcomWebhookReceived' && !settledAs) return;
    if (!stored.streamId.startsWith('calcom-webhook-')) return;
    const id = deliveryIdOf(stored);
    const row = this.rows.get(id) ?? { delivery_id: id, trigger_event: null, received_at: null, settled_at: null, settled_as: null };
    const at = occurredAt(stored);
    if (settledAs) {
      row.settled_at ??= at;
      row.settled_as ??= settledAs;
    } else {
      const trigger = (stored.data as { triggerEvent?: unknown } | null)?.triggerEvent;
      row.trigger_event ??= typeof trigger === 'string' ? trigger : null;
      row.received_at ??= at;
    }
    this.rows.set(id, row);
  }

  async write(tx: SqlExecutor): Promise<void> {
    if (this.rows.size > 0) await tx.query(upsertDeliveriesSql, [JSON.stringify([...this.rows.values()])]);
  }
}

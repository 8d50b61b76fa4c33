import type { StoredEvent } from '../application/ports/eventStore';
import { isBookingEventType, toBookingEvent } from '../application/eventEnvelope';
import { CalcomUidClaimed, evolve, type BookingEvent } from '../domain';
import type { SqlExecutor } from '../application/ports/sql';
import { readAppointments, rowFor, stateOf, writeAppointments, type AppointmentWrite } from './appointmentRows';
import type { ProjectionApply } from './projectionRunner';
import { AuditFindingBatch } from './auditFindingRows';
import { CallBatch } from './callRows';
import { DeliveryBatch } from './deliveryRows';
import { UidTouchBatch, touchesOf } from './uidTouches';

interface Applied {
  stored: StoredEvent;
  event: BookingEvent;
}

/**
 * Folds one booking's events of the batch onto its row with the domain's `evolve`, skipping events
 * the row already reflects (position guard). Undefined when nothing is new.
 */
const foldBooking = (bookingId: string, row: Parameters<typeof stateOf>[0], events: Applied[]): AppointmentWrite | undefined => {
  let state = stateOf(row, bookingId);
  let service = row?.service ?? null;
  let position = row?.last_event_position;
  let last: StoredEvent | undefined;
  for (const { stored, event } of events) {
    if (position !== undefined && position >= stored.position) continue;
    const next = evolve(state, event);
    // The row keeps the call id from the first event that names one, as the state read back from it would.
    state = next.callId ? next : { ...next, callId: event.data.callId };
    if (event.type === 'BookingRequested') service = event.data.service ?? null;
    position = stored.position;
    last = stored;
  }
  return last && rowFor(bookingId, state, service, last);
};

/**
 * Applies a batch of events in at most six statements whatever its size: the uid touches, the calls,
 * the truth-audit findings and the webhook deliveries (one upsert each), the affected rows read once
 * (`FOR UPDATE`), every changed row written back (one upsert). The result is
 * exactly that of applying the events one by one; re-applying changes nothing.
 */
export const applyBatchToAppointments = async (tx: SqlExecutor, events: readonly StoredEvent[]): Promise<void> => {
  const touches = new UidTouchBatch();
  const calls = new CallBatch();
  const findings = new AuditFindingBatch();
  const deliveries = new DeliveryBatch();
  const byBooking = new Map<string, Applied[]>();
  for (const stored of events) {
    calls.add(stored);
    findings.add(stored);
    deliveries.add(stored);
    if (stored.type === 'CalcomUidClaimed') {
      const claim = CalcomUidClaimed.shape.data.parse(stored.data);
      touches.add(stored, { bookingId: claim.bookingId, uid: claim.uid, kind: 'claimed', callId: claim.callId });
      continue;
    }
    if (!isBookingEventType(stored.type)) continue;
    const event = toBookingEvent(stored);
    const { bookingId, callId } = event.data;
    for (const touch of touchesOf(event)) touches.add(stored, { bookingId, callId, ...touch });
    const applied = byBooking.get(bookingId);
    if (applied) applied.push({ stored, event });
    else byBooking.set(bookingId, [{ stored, event }]);
  }
  await touches.write(tx);
  await calls.write(tx);
  await findings.write(tx);
  await deliveries.write(tx);
  if (byBooking.size === 0) return;

  const rows = await readAppointments(tx, [...byBooking.keys()]);
  const writes: AppointmentWrite[] = [];
  for (const [bookingId, applied] of byBooking) {
    const write = foldBooking(bookingId, rows.get(bookingId), applied);
    if (write) writes.push(write);
  }
  await writeAppointments(tx, writes);
};

/**
 * The appointments projection: one row per booking in `bl_appointments` (status exactly as the
 * domain's `evolve` derives it), every uid a booking touched in `bl_uid_touches`, and one row per Retell
 * call in `bl_calls` (what the caller was last told), the truth audit's findings in `bl_audit_findings`,
 * and each recorded Cal.com delivery and how it was settled in `bl_webhook_deliveries`.
 * Idempotent per event; events it does not know (other streams) are ignored. Runners apply whole
 * batches through `.batch`; called with one event it is a batch of one.
 */
export const applyToAppointments: ProjectionApply = Object.assign(
  (tx: SqlExecutor, stored: StoredEvent) => applyBatchToAppointments(tx, [stored]),
  { batch: applyBatchToAppointments },
);

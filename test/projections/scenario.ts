import { randomUUID } from 'node:crypto';
import { toBookingEvent, toNewEvent } from '../../src/application/eventEnvelope';
import { isConcurrencyError, type EventStore } from '../../src/application/ports/eventStore';
import type { SqlExecutor } from '../../src/adapters/sql/sqlDatabase';
import {
  bookingIdFor,
  bookingStreamId,
  calcomUidStreamId,
  decide,
  evolve,
  initialState,
  type BookingCommand,
  type BookingEvent,
  type CalcomAnswer,
  type WebhookDelivery,
} from '../../src/domain';
import { CALCOM_CREATED_AT, CALCOM_ID, EVENT_TYPE_ID, SHARED_FALLBACK_EMAIL, SLOT_START, UID, booking687, booking688, call687, call688, calcomBooking687 } from '../fixtures/incident';

/** Runs one command through the decider against the booking's stream and appends what it decides. */
export const execute = async (store: EventStore, bookingId: string, command: BookingCommand): Promise<BookingEvent[]> => {
  const streamId = bookingStreamId(bookingId);
  const stored = await store.readStream(streamId);
  const state = stored.map(toBookingEvent).reduce(evolve, initialState());
  const events = decide(command, state);
  if (events.length > 0) {
    const causation = { correlationId: randomUUID(), causationId: randomUUID() };
    await store.appendToStream(streamId, events.map((e) => toNewEvent(e, causation)), { expectedVersion: stored.length });
  }
  return events;
};

/** Claims a Cal.com uid for a booking; returns the owner (the first claimant). */
export const claimUid = async (store: EventStore, bookingId: string, callId: string, uid: string, now: string): Promise<string> => {
  const claim = { type: 'CalcomUidClaimed', data: { bookingId, callId, occurredAt: now, uid } };
  try {
    await store.appendToStream(calcomUidStreamId(uid), [toNewEvent(claim, { correlationId: randomUUID(), causationId: randomUUID() })], { expectedVersion: 'no_stream' });
    return bookingId;
  } catch (error) {
    if (!isConcurrencyError(error)) throw error;
    const [first] = await store.readStream(calcomUidStreamId(uid));
    return (first!.data as { bookingId: string }).bookingId;
  }
};

const request = (bookingId: string, callId: string, name: string, now: string, slotStart = SLOT_START, email = SHARED_FALLBACK_EMAIL): BookingCommand => ({
  type: 'RequestBooking',
  data: { bookingId, callId, eventTypeId: EVENT_TYPE_ID, slotStart, timeZone: 'Europe/Berlin', service: 'Beratung', language: 'de', attendee: { name, email }, practiceId: 'default', now },
});

/** The incident of 2025-10-06 (test/domain/incidentReplay.test.ts), through the event store. */
export const appendIncident = async (store: EventStore): Promise<void> => {
  const answer: CalcomAnswer = {
    httpStatus: 200,
    uid: UID,
    calcomBookingId: CALCOM_ID,
    status: 'accepted',
    start: SLOT_START,
    createdAt: CALCOM_CREATED_AT,
    metadata: calcomBooking687.metadata,
    attendees: [{ name: call687.name, email: SHARED_FALLBACK_EMAIL }],
    latencyMs: 380,
  };
  const created: WebhookDelivery = { deliveryId: 'w-687', triggerEvent: 'BOOKING_CREATED', uid: UID, calcomBookingId: CALCOM_ID, startTime: SLOT_START, metadata: calcomBooking687.metadata, createdAt: '2025-10-06T09:05:21.900Z' };

  await execute(store, booking687, request(booking687, call687.callId, call687.name, call687.at));
  const owner687 = await claimUid(store, booking687, call687.callId, UID, '2025-10-06T09:05:21.300Z');
  await execute(store, booking687, { type: 'RecordCalcomAnswer', data: { answer, uidOwner: owner687, now: '2025-10-06T09:05:21.400Z' } });
  await execute(store, booking687, { type: 'RecordWebhook', data: { delivery: created, now: '2025-10-06T09:05:22.000Z' } });

  await execute(store, booking688, request(booking688, call688.callId, call688.name, call688.at));
  const owner688 = await claimUid(store, booking688, call688.callId, UID, '2025-10-06T09:39:22.500Z');
  await execute(store, booking688, { type: 'RecordCalcomAnswer', data: { answer, uidOwner: owner688, now: '2025-10-06T09:39:22.600Z' } });
  await execute(store, booking688, { type: 'RecordWebhook', data: { delivery: { ...created, deliveryId: 'w-687-again' }, now: '2025-10-06T09:39:23.000Z' } });
};

export type Outcome = 'confirmed' | 'awaiting_host' | 'slot_unavailable' | 'failed' | 'unconfirmed' | 'cancelled' | 'rescheduled' | 'awaiting_webhook';
export const outcomes: Outcome[] = ['confirmed', 'awaiting_host', 'slot_unavailable', 'failed', 'unconfirmed', 'cancelled', 'rescheduled', 'awaiting_webhook'];

/** One booking of a caller that ends in `outcome`; returns its booking id. */
export const appendBooking = async (store: EventStore, outcome: Outcome, n: number): Promise<string> => {
  const callId = `call_${n}_${randomUUID().slice(0, 8)}`;
  const slotStart = new Date(Date.UTC(2025, 10, 3, 8) + n * 30 * 60_000).toISOString();
  const bookingId = bookingIdFor(callId, EVENT_TYPE_ID, slotStart);
  const email = `${callId}@caller.example`;
  const at = (seconds: number) => new Date(Date.UTC(2025, 10, 1, 9) + n * 60_000 + seconds * 1000).toISOString();
  const uid = `uid-${callId}`;
  const metadata = { call_id: callId, booking_ref: bookingId };
  const answer: CalcomAnswer = {
    httpStatus: 201,
    uid,
    calcomBookingId: 20_000_000 + n,
    status: outcome === 'awaiting_host' ? 'pending' : 'accepted',
    start: slotStart,
    createdAt: at(1),
    metadata,
    attendees: [{ name: `Caller ${n}`, email }],
    latencyMs: 300,
  };
  const hook = (triggerEvent: WebhookDelivery['triggerEvent'], extra: Partial<WebhookDelivery> = {}, uidOwner = bookingId): BookingCommand => ({
    type: 'RecordWebhook',
    data: { delivery: { deliveryId: `d-${triggerEvent}-${n}`, triggerEvent, uid, calcomBookingId: answer.calcomBookingId, startTime: slotStart, metadata, createdAt: at(3), ...extra }, uidOwner, now: at(3) },
  });

  await execute(store, bookingId, request(bookingId, callId, `Caller ${n}`, at(0), slotStart, email));
  if (outcome === 'slot_unavailable' || outcome === 'failed') {
    const [reason, httpStatus, message] = outcome === 'slot_unavailable' ? (['rejected', 409, 'booking_conflict'] as const) : (['timeout', undefined, 'timeout of 8000ms exceeded'] as const);
    await execute(store, bookingId, { type: 'RecordCalcomFailure', data: { reason, httpStatus, message, latencyMs: 8000, now: at(2) } });
    return bookingId;
  }
  const owner = await claimUid(store, bookingId, callId, uid, at(1));
  await execute(store, bookingId, { type: 'RecordCalcomAnswer', data: { answer, uidOwner: owner, now: at(2) } });
  switch (outcome) {
    case 'awaiting_host':
      await execute(store, bookingId, hook('BOOKING_REQUESTED'));
      break;
    case 'unconfirmed':
      await execute(store, bookingId, { type: 'Reconcile', data: { lookup: { outcome: 'not_found' }, windowMs: 60_000, now: at(120) } });
      break;
    case 'confirmed':
    case 'cancelled':
    case 'rescheduled':
      await execute(store, bookingId, hook('BOOKING_CREATED'));
      if (outcome === 'cancelled') await execute(store, bookingId, { type: 'RecordAgentCancellation', data: { reason: 'caller asked', now: at(200) } });
      if (outcome === 'rescheduled') {
        const newUid = `${uid}-r`;
        const newOwner = await claimUid(store, bookingId, callId, newUid, at(3));
        await execute(store, bookingId, hook('BOOKING_RESCHEDULED', { deliveryId: `d-resched-${n}`, uid: newUid, rescheduleUid: uid, startTime: at(3600) }, newOwner));
      }
      break;
    case 'awaiting_webhook':
      break;
  }
  return bookingId;
};

/** Every row of the given tables, in a stable order, as JSON-comparable values. */
export const dumpTables = async (db: SqlExecutor, tables: string[]): Promise<Record<string, unknown[]>> => {
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await db.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`);
    dump[table] = JSON.parse(JSON.stringify(rows));
  }
  return dump;
};

export const countEvents = async (store: EventStore): Promise<number> => {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    if (batch.length === 0) return count;
    count += batch.length;
    after = batch[batch.length - 1]!.position;
  }
};

export const waitFor = async (check: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 20): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};

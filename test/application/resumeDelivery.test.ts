import pino from 'pino';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { createDeliveryResumption, DELIVERY_ATTEMPTS } from '../../src/adapters/deliveryResumption';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { loadBooking } from '../../src/application/bookingRepository';
import { toNewEvent } from '../../src/application/eventEnvelope';
import type { CalcomClient } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { deliveryIdOf, receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { resumeDelivery } from '../../src/application/useCases/resumeDelivery';
import { webhookStreamId } from '../../src/domain';
import { appointmentsProjectionDefinition as appointments, findUnsettledDeliveries, runProjectionToEnd } from '../../src/projections';
import { sqlTargets } from '../support/databases';
import { gatedAppends } from '../support/gatedAppends';
import { oneStreamAtATime } from '../support/oneStreamAtATime';
import { answeredCreates, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { testSettings } from '../support/settings';

/**
 * A Cal.com delivery recorded and then not settled (an error or a crash after the record; Cal.com does
 * not deliver again) is settled later by the resumer from the body it recorded, or abandoned by name.
 */
const EVENT_TYPE = 2563193;
const LATER = new Date(Date.parse('2035-01-01T00:00:00.000Z'));

/** Appends that touch a stream `fails` names fail, every time (a database that went away mid-request); the others go through. */
const failingAppends = (store: EventStore, fails: (streamId: string) => boolean, failure = () => new Error('Connection terminated unexpectedly')): EventStore =>
  gatedAppends(store, (streamIds) => {
    if (streamIds.some(fails)) throw failure();
  });
/** What fails the same way every time it is tried (not the database going away). */
const checkViolation = () => Object.assign(new Error('new row for relation "bl_events" violates check constraint'), { code: '23514' });
/** The delivery's own record succeeds; what it decides for the booking does not. */
const failingBookingAppends = (store: EventStore) => failingAppends(store, (id) => id.startsWith('booking-'));

describe.each(sqlTargets)('resuming recorded Cal.com deliveries (%s)', (_name, openDb) => {
  let db: SqlDatabase;
  let base: EventStore;
  let store: EventStore;
  let deps: UseCaseDeps;
  let n = 0;
  const created = new Map<string, CalcomBookingJson>();

  beforeAll(async () => {
    db = await openDb();
    base = store = await createPostgresEventStore(db);
    await db.exec(appointments.schema);
    const calcom = {
      createBooking: answeredCreates(created),
    } as Partial<CalcomClient> as CalcomClient;
    deps = { store, calcom, telemetry: silentTelemetry, settings: testSettings({ eventTypeId: EVENT_TYPE }), now: () => new Date() };
  });
  afterAll(async () => {
    await base.close();
    await db.close();
  });

  /** Given a booking Cal.com accepted, still waiting for its webhook. */
  const givenAwaitingWebhook = async () => {
    n += 1;
    const callId = `call_resume_delivery_${n}_${Date.now()}`;
    const slot = new Date(Date.parse('2031-07-01T07:00:00.000Z') + n * 3_600_000).toISOString();
    const answer = await bookAppointment(deps, { callId, requestId: `r${n}` }, { slotStartUtc: slot, name: 'Caller' });
    const bookingId = answer.booking_id!;
    expect((await loadBooking(store, bookingId)).state.status).toBe('awaiting_webhook');
    return { bookingId, body: Buffer.from(JSON.stringify(webhookFor(created.get(bookingId)!))) };
  };
  /** When the delivery arrives and settling it fails after it was recorded: its id, unsettled. */
  const whenSettlingFails = async (body: Buffer) => {
    await expect(receiveCalcomWebhook({ ...deps, store: failingBookingAppends(store) }, body)).rejects.toThrow('Connection terminated');
    const deliveryId = deliveryIdOf(body);
    expect(await unsettledAfter(deliveryId)).toContain(deliveryId);
    return deliveryId;
  };
  /** Given a delivery recorded (as receiveCalcomWebhook records it, at `schemaVersion`) and never settled. */
  const givenRecordedOnly = async (body: Buffer, schemaVersion: number, from?: { practiceId?: string }) => {
    const deliveryId = `recorded-${n}-${Date.now()}`;
    const json = JSON.parse(body.toString()) as { triggerEvent: string; payload: { uid: string } };
    const data = { deliveryId, occurredAt: new Date().toISOString(), triggerEvent: json.triggerEvent, uid: json.payload.uid, body: json, ...(from && { from }) };
    const event = toNewEvent({ type: 'CalcomWebhookReceived', data }, { correlationId: deliveryId, causationId: deliveryId });
    await store.appendToStream(webhookStreamId(deliveryId), [{ ...event, schemaVersion }], { expectedVersion: 'no_stream' });
    expect(await unsettledAfter(deliveryId)).toContain(deliveryId);
    return deliveryId;
  };
  /**
   * The unsettled deliveries once the read model has taken in everything of `deliveryId`'s stream. On
   * PostgreSQL the global order holds back events behind a transaction still open anywhere on the server
   * (another suite's), so one run of the projection may not see them yet.
   */
  const unsettledAfter = async (deliveryId: string) => {
    const last = (await base.readStream(webhookStreamId(deliveryId))).at(-1)!.position;
    for (let tries = 0; ; tries += 1) {
      await runProjectionToEnd({ ...appointments, db, eventStore: base });
      const { rows } = await db.query<{ position: string }>("SELECT position FROM bl_projection_checkpoints WHERE name = 'appointments'");
      if ((rows[0]?.position ?? '') >= last) return findUnsettledDeliveries(db, LATER);
      if (tries > 200) throw new Error(`the read model did not reach ${last} (held back by an open transaction elsewhere on the server?)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const deliveryStream = async (deliveryId: string) => (await store.readStream(webhookStreamId(deliveryId))).map((e) => e.type);

  describe.each([
    ['a store that appends to several streams at once', (s: EventStore) => s],
    ['a store that appends one stream at a time (as EventStoreDB)', oneStreamAtATime],
  ])('on %s', (_variant, variant) => {
    beforeAll(() => {
      store = variant(base);
      deps = { ...deps, store };
    });

    it('settles a delivery whose settling failed after it was recorded, from the body it recorded', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await whenSettlingFails(body);
      expect(await deliveryStream(deliveryId)).toEqual(['CalcomWebhookReceived']);

      expect(await resumeDelivery(deps, deliveryId)).toBe('settled');

      expect((await loadBooking(store, bookingId)).state.status).toBe('confirmed');
      expect(await deliveryStream(deliveryId)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
      expect(await unsettledAfter(deliveryId)).not.toContain(deliveryId);
      const row = await db.query<{ settled_as: string }>('SELECT settled_as FROM bl_webhook_deliveries WHERE delivery_id = $1', [deliveryId]);
      expect(row.rows).toEqual([{ settled_as: 'routed' }]);
    });

    it('writes nothing for a delivery that is settled already (it raced its own arrival, or a redelivery settled it)', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await whenSettlingFails(body);
      expect(await resumeDelivery(deps, deliveryId)).toBe('settled');
      const booking = (await store.readStream(`booking-${bookingId}`)).length;

      expect(await resumeDelivery(deps, deliveryId)).toBe('already_settled');

      expect(await deliveryStream(deliveryId)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
      expect((await store.readStream(`booking-${bookingId}`)).length).toBe(booking);
    });

    it('settles it once when two settle it at the same time (two resumers, or the resumer and a redelivery)', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await whenSettlingFails(body);

      const outcomes = await Promise.all([resumeDelivery(deps, deliveryId), resumeDelivery(deps, deliveryId), receiveCalcomWebhook(deps, body)]);

      expect(outcomes.slice(0, 2)).toEqual(expect.arrayContaining(['already_settled']));
      expect(outcomes[2]).toMatchObject({ result: 'duplicate', bookingId });
      expect(await deliveryStream(deliveryId)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
      expect((await store.readStream(`booking-${bookingId}`)).filter((e) => e.type === 'BookingConfirmedByWebhook')).toHaveLength(1);
    });

    it('lets a redelivery of the same body settle it, once', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await whenSettlingFails(body);

      const again = await receiveCalcomWebhook(deps, body);

      expect(again).toMatchObject({ result: 'duplicate', bookingId, applied: ['BookingConfirmedByWebhook'] });
      expect(await deliveryStream(deliveryId)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
      expect(await resumeDelivery(deps, deliveryId)).toBe('already_settled');
    });

    it('abandons, by name, a delivery that failed every attempt, and settles the others of the round meanwhile', async () => {
      const poisoned = await givenAwaitingWebhook();
      const healthy = await givenAwaitingWebhook();
      const poisonedId = await whenSettlingFails(poisoned.body);
      const healthyId = await whenSettlingFails(healthy.body);
      const resumption = createDeliveryResumption({ ...deps, store: failingAppends(store, (id) => id === `booking-${poisoned.bookingId}`, checkViolation) }, pino({ level: 'silent' }));

      expect(await resumption.settle([poisonedId, healthyId])).toMatchObject({ failed: 1, settled: 1 });
      for (let round = 2; round < DELIVERY_ATTEMPTS; round += 1) expect(await resumption.settle([poisonedId])).toMatchObject({ failed: 1, abandoned: 0 });
      expect(await resumption.settle([poisonedId])).toMatchObject({ failed: 0, abandoned: 1 }); // its last attempt was a real try, and failed

      expect((await loadBooking(store, healthy.bookingId)).state.status).toBe('confirmed');
      expect((await loadBooking(store, poisoned.bookingId)).state.status).toBe('awaiting_webhook'); // the reconciler's, as for a lost webhook
      const stream = await store.readStream(webhookStreamId(poisonedId));
      expect(stream.map((e) => e.type)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookAbandoned']);
      expect(stream[1]!.data).toMatchObject({ attempts: DELIVERY_ATTEMPTS, reason: expect.stringContaining('violates check constraint') });
      expect(await unsettledAfter(poisonedId)).not.toContain(poisonedId);
      const row = await db.query<{ settled_as: string }>('SELECT settled_as FROM bl_webhook_deliveries WHERE delivery_id = $1', [poisonedId]);
      expect(row.rows).toEqual([{ settled_as: 'abandoned' }]);

      // A redelivery of the abandoned one is a no-op, as every duplicate: it does not apply it after all.
      expect(await receiveCalcomWebhook(deps, poisoned.body)).toMatchObject({ result: 'duplicate', applied: [], ignored: expect.stringContaining('abandoned') });
      expect((await loadBooking(store, poisoned.bookingId)).state.status).toBe('awaiting_webhook');
      expect((await store.readStream(webhookStreamId(poisonedId))).length).toBe(2);
    });

    it('never abandons a delivery because the database could not be reached: it waits for the database', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await whenSettlingFails(body);
      const resumption = createDeliveryResumption({ ...deps, store: failingBookingAppends(store) }, pino({ level: 'silent' }));
      for (let round = 1; round <= 2 * DELIVERY_ATTEMPTS; round += 1) expect(await resumption.settle([deliveryId])).toMatchObject({ failed: 1, abandoned: 0 });

      expect(await createDeliveryResumption(deps, pino({ level: 'silent' })).settle([deliveryId])).toMatchObject({ settled: 1 });
      expect((await loadBooking(store, bookingId)).state.status).toBe('confirmed');
    });

    it('abandons a version-1 delivery, which did not record the practice that signed it, instead of guessing', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await givenRecordedOnly(body, 1);

      expect(await resumeDelivery(deps, deliveryId)).toBe('abandoned');

      expect((await loadBooking(store, bookingId)).state.status).toBe('awaiting_webhook');
      const stream = await store.readStream(webhookStreamId(deliveryId));
      expect(stream[1]).toMatchObject({ type: 'CalcomWebhookAbandoned', data: { attempts: 0, uid: created.get(bookingId)!.uid, reason: expect.stringContaining('version 1') } });
    });

    it('keeps the practice that signed it: a resumed delivery of another practice is orphaned and never touches the booking', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await givenRecordedOnly(body, 2, { practiceId: 'other-practice' });

      expect(await resumeDelivery(deps, deliveryId)).toBe('orphaned');

      expect((await loadBooking(store, bookingId)).state.status).toBe('awaiting_webhook');
      const stream = await store.readStream(webhookStreamId(deliveryId));
      expect(stream[1]).toMatchObject({ type: 'CalcomWebhookOrphaned', data: { reason: expect.stringContaining('signed by practice other-practice') } });
    });

    it('settles a recorded delivery of the environment’s own secret (`from: {}`) on the booking it names', async () => {
      const { bookingId, body } = await givenAwaitingWebhook();
      const deliveryId = await givenRecordedOnly(body, 2, {});

      expect(await resumeDelivery(deps, deliveryId)).toBe('settled');

      expect((await loadBooking(store, bookingId)).state.status).toBe('confirmed');
    });
  });

  it('on a store that appends one stream at a time: a decision written before another settler routed it stands, and a disagreement is alerted', async () => {
    store = oneStreamAtATime(base);
    deps = { ...deps, store };
    const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const telemetry = { ...silentTelemetry, log: (_level: string, message: string, fields?: Record<string, unknown>) => void logs.push({ message, fields }) };
    const { bookingId, body } = await givenAwaitingWebhook();
    const deliveryId = await whenSettlingFails(body);
    // Another settler orphans the delivery right after this one wrote the booking's part.
    const racing: EventStore = {
      ...store,
      appendToStream: async (streamId, events, options) => {
        const appended = await store.appendToStream(streamId, events, options);
        if (streamId === `booking-${bookingId}`) {
          const orphan = { type: 'CalcomWebhookOrphaned', data: { deliveryId, occurredAt: new Date().toISOString(), triggerEvent: 'BOOKING_CREATED', reason: 'no booking of ours matches' } } as const;
          await store.appendToStream(webhookStreamId(deliveryId), [toNewEvent(orphan, { correlationId: 'other', causationId: 'other' })], { expectedVersion: 1 });
        }
        return appended;
      },
    };

    expect(await resumeDelivery({ ...deps, store: racing, telemetry }, deliveryId)).toBe('already_settled');

    expect((await loadBooking(store, bookingId)).state.status).toBe('confirmed'); // the booking's part stands
    expect(await deliveryStream(deliveryId)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookOrphaned']);
    expect(logs.find((l) => l.fields?.alert === 'webhook_settled_twice')?.fields).toMatchObject({ deliveryId, bookingId, settledAs: 'orphaned (no_booking)' });
  });
});
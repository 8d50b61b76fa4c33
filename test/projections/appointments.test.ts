import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { EventStore, StoredEvent } from '../../src/application/ports/eventStore';
import {
  appointmentsProjectionDefinition as appointments,
  applyToAppointments,
  findAppointments,
  listDuplicates,
  projectionLag,
  readCheckpoint,
  rebuildProjection,
  runProjectionToEnd,
  startProjection,
  countParked,
  findParked,
  findUnsettledDeliveries,
  type ProjectionBatch,
} from '../../src/projections';
import { toNewEvent } from '../../src/application/eventEnvelope';
import { webhookStreamId, type DeliveryEvent } from '../../src/domain';
import { UID, booking687, booking688, call687, call688 } from '../fixtures/incident';
import { postgresUrl, resetDatabase, sqlTargets } from '../support/databases';
import { everythingVisible } from '../support/everythingVisible';
import { appendBooking, appendIncident, countEvents, dumpTables, outcomes, waitFor } from './scenario';

const incidentReasons = ['attendee_mismatch', 'metadata_booking_ref_mismatch', 'metadata_call_id_mismatch', 'stale_created_at', 'uid_already_claimed'];

/** Runs the projection to the head, once everything committed is visible (see everythingVisible). */
const project = async (db: SqlDatabase, eventStore: EventStore, extra: Partial<Parameters<typeof runProjectionToEnd>[0]> = {}) => {
  await everythingVisible(db, eventStore);
  return runProjectionToEnd({ ...appointments, db, eventStore, ...extra });
};

const findAppointmentsAfter = async (db: SqlDatabase, eventStore: EventStore, bookingId: string) => {
  await project(db, eventStore);
  return (await findAppointments(db)).find((row) => row.bookingId === bookingId);
};

const statusOf = async (db: SqlDatabase, bookingId: string) =>
  (await db.query<{ status: string }>('SELECT status FROM bl_appointments WHERE booking_id = $1', [bookingId])).rows[0]?.status;

for (const [target, openDb] of sqlTargets) {
  describe(`appointments projection on ${target}`, () => {
    let db: SqlDatabase;
    let store: EventStore;

    // One database per file (PGlite takes seconds to start), emptied before each test.
    beforeAll(async () => {
      db = await openDb();
    });
    afterAll(() => db.close());
    beforeEach(async () => {
      await resetDatabase(db);
      store = await createPostgresEventStore(db);
    });
    afterEach(() => store.close());

    it('projects the incident: 687 confirmed, 688 a duplicate with every reason, the shared uid listed once', async () => {
      await appendIncident(store);
      // A stream of another kind, with a type the projection does not know, is ignored.
      await store.appendToStream('calcom-webhook-w-687', [{ type: 'CalcomWebhookReceived', schemaVersion: 1, data: { raw: {} }, metadata: { occurredAt: '2025-10-06T09:05:21.950Z' } }]);
      expect(await project(db, store)).toBe(await countEvents(store));

      const rows = await findAppointments(db, { bookingUid: UID });
      expect(rows.map((r) => r.bookingId).sort()).toEqual([booking687, booking688].sort());
      const r687 = rows.find((r) => r.bookingId === booking687)!;
      const r688 = rows.find((r) => r.bookingId === booking688)!;
      expect(r687).toMatchObject({ callId: call687.callId, status: 'confirmed', calcomUid: UID, calcomBookingId: 11489895, eventTypeId: 2563193, slotStart: '2025-10-10T06:00:00.000Z', service: 'Beratung', requestedAt: call687.at, confirmedAt: '2025-10-06T09:05:21.900Z', duplicateOfUid: null, duplicateReasons: [], lastEventType: 'BookingConfirmedByWebhook' });
      expect(r688).toMatchObject({ callId: call688.callId, status: 'duplicate', calcomUid: null, confirmedAt: null, duplicateOfUid: UID, duplicateOwnerBookingId: booking687, lastEventType: 'WebhookMismatchRecorded' });
      expect([...r688.duplicateReasons].sort()).toEqual(incidentReasons);

      expect(await findAppointments(db, { callId: call688.callId })).toEqual([r688]);
      expect(await findAppointments(db, { callId: call687.callId, bookingUid: UID })).toEqual([r687]);
      expect(await findAppointments(db, { bookingUid: 'no-such-uid' })).toEqual([]);

      const duplicates = await listDuplicates(db);
      expect(duplicates).toHaveLength(1);
      expect(duplicates[0]).toMatchObject({
        calcomUid: UID,
        bookingCount: 2,
        bookingIds: [booking687, booking688].sort(),
        callIds: [call687.callId, call688.callId].sort(),
        kinds: ['claimed', 'confirmed', 'returned', 'webhook_mismatch'],
      });
      // The duplicate reasons, plus why 687's webhook proved nothing for 688.
      expect(duplicates[0]!.reasons).toEqual([...incidentReasons, 'call_id_mismatch', 'uid_mismatch'].sort());
      expect(await projectionLag(db, store, 'appointments')).toEqual({ checkpoint: await store.headPosition(), head: await store.headPosition(), behind: false });
    });

    it('ends every kind of booking in its named status', async () => {
      const ids = await Promise.all(outcomes.map(async (outcome, n) => [outcome, await appendBooking(store, outcome, n)] as const));
      await project(db, store);
      for (const [outcome, bookingId] of ids) expect([outcome, await statusOf(db, bookingId)]).toEqual([outcome, outcome === 'rescheduled' ? 'confirmed' : outcome]);
      const rescheduledId = ids.find(([outcome]) => outcome === 'rescheduled')![1];
      const [rescheduled] = (await findAppointments(db)).filter((r) => r.bookingId === rescheduledId);
      expect(rescheduled!.calcomUid).toMatch(/-r$/);
      expect(await findAppointments(db, { bookingUid: rescheduled!.calcomUid! })).toEqual([rescheduled]);
      const failed = (await findAppointments(db)).find((r) => r.status === 'failed');
      expect(failed?.failureReason).toBe('timeout');
      expect(await listDuplicates(db)).toEqual([]);
    });

    it('rebuilds from zero to exactly the same rows', async () => {
      await appendIncident(store);
      for (const [n, outcome] of outcomes.entries()) await appendBooking(store, outcome, n);
      await project(db, store, { batchSize: 7 });
      const tables = [...appointments.tables, 'bl_duplicates'];
      const before = await dumpTables(db, tables);
      expect(before.bl_appointments).toHaveLength(outcomes.length + 2);

      const progress: number[] = [];
      const total = await countEvents(store);
      expect(await rebuildProjection({ ...appointments, db, eventStore: store, truncate: appointments.tables, batchSize: 5, onProgress: (done) => progress.push(done) })).toBe(total);
      expect(progress.at(-1)).toBe(total);
      expect(await dumpTables(db, tables)).toEqual(before);
      expect(await readCheckpoint(db, 'appointments')).toBe(await store.headPosition());
    });

    it('commits the checkpoint with the rows: a transient failure mid-batch (the database went away) leaves both where they were, then it catches up', async () => {
      await appendIncident(store);
      await project(db, store);
      const checkpoint = await readCheckpoint(db, 'appointments');
      const before = await dumpTables(db, appointments.tables);

      const a = await appendBooking(store, 'confirmed', 1);
      const b = await appendBooking(store, 'cancelled', 2);
      const poison = (await store.readStream(`booking-${b}`))[1]!; // mid-batch: after all of a's events
      let broken = true;
      const errors: unknown[] = [];
      const apply = async (tx: Parameters<typeof applyToAppointments>[0], event: StoredEvent) => {
        await applyToAppointments(tx, event);
        if (broken && event.id === poison.id) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      };

      await expect(project(db, store, { apply })).rejects.toThrow('terminating connection');
      expect(await readCheckpoint(db, 'appointments')).toBe(checkpoint);
      expect(await dumpTables(db, appointments.tables)).toEqual(before);

      // A running projection reports the error, keeps its place, and resumes once fixed.
      const batches: ProjectionBatch[] = [];
      const running = startProjection({ ...appointments, db, eventStore: store, apply, pollIntervalMs: 10, maxBackoffMs: 50, onError: (e) => errors.push(e), onBatch: (batch) => batches.push(batch) });
      try {
        await waitFor(() => errors.length >= 2);
        expect(batches).toEqual([]);
        expect(await readCheckpoint(db, 'appointments')).toBe(checkpoint);
        expect(await statusOf(db, a)).toBeUndefined();
        broken = false;
        await waitFor(async () => !(await projectionLag(db, store, 'appointments')).behind);
      } finally {
        await running.stop();
      }
      expect(running.position()).toBe(await store.headPosition());
      expect(batches.reduce((sum, batch) => sum + batch.count, 0)).toBe((await store.readStream(`booking-${a}`)).length + (await store.readStream(`booking-${b}`)).length + 2 /* uid claims */);
      expect(await statusOf(db, a)).toBe('confirmed');
      expect(await statusOf(db, b)).toBe('cancelled');
    });

    it('parks an event it cannot apply (a bug, bad data), applies the rest of the batch, and moves on', async () => {
      await appendIncident(store);
      await project(db, store);
      const a = await appendBooking(store, 'confirmed', 11);
      const b = await appendBooking(store, 'cancelled', 12);
      const poison = (await store.readStream(`booking-${a}`))[1]!;
      const apply = Object.assign(
        async (tx: Parameters<typeof applyToAppointments>[0], event: StoredEvent) => {
          if (event.id === poison.id) throw new Error('projection bug: cannot apply this event');
          await applyToAppointments(tx, event);
        },
        { batch: async (tx: Parameters<typeof applyToAppointments>[0], events: readonly StoredEvent[]) => {
          if (events.some((e) => e.id === poison.id)) throw new Error('projection bug: cannot apply this event');
          await applyToAppointments.batch!(tx, events);
        } },
      );
      const batches: ProjectionBatch[] = [];
      await project(db, store, { apply, onBatch: (batch) => batches.push(batch) });
      expect(await readCheckpoint(db, 'appointments')).toBe(await store.headPosition());
      expect(batches.flatMap((batch) => batch.parked)).toEqual([
        expect.objectContaining({ projection: 'appointments', eventId: poison.id, streamId: `booking-${a}`, type: poison.type, error: 'projection bug: cannot apply this event' }),
      ]);
      expect(await findParked(db, { eventIds: [poison.id] })).toHaveLength(1);
      expect(await countParked(db, 'appointments')).toBe(1);
      expect(await statusOf(db, b)).toBe('cancelled'); // the rest of the batch is applied
      expect(await statusOf(db, a)).toBe('confirmed'); // the booking's later events too

      // A rebuild tries parked events again and reports what it had to park anew.
      const parkedAgain: string[] = [];
      await rebuildProjection({ ...appointments, apply, db, eventStore: store, truncate: appointments.tables, onParked: (p) => parkedAgain.push(p.eventId) });
      expect(parkedAgain).toEqual([poison.id]);
      expect(await countParked(db, 'appointments')).toBe(1);
      await rebuildProjection({ ...appointments, db, eventStore: store, truncate: appointments.tables });
      expect(await countParked(db, 'appointments')).toBe(0);
    });

    it('a rebuild reports what a live leader parked while it replayed (the leader took the batches between the rebuild\'s)', async () => {
      const a = await appendBooking(store, 'confirmed', 13);
      const poison = (await store.readStream(`booking-${a}`))[1]!;
      const apply = async (tx: Parameters<typeof applyToAppointments>[0], event: StoredEvent) => {
        if (event.id === poison.id) throw new Error('projection bug: cannot apply this event');
        await applyToAppointments(tx, event);
      };
      await everythingVisible(db, store); // else the rebuild may find nothing to replay yet
      // Given a live leader that runs to the head right after the rebuild emptied the tables
      let transactions = 0;
      const racing: SqlDatabase = {
        ...db,
        transaction: async (work) => {
          transactions += 1;
          if (transactions === 2) await runProjectionToEnd({ ...appointments, apply, db, eventStore: store });
          return db.transaction(work);
        },
      };
      // When the rebuild replays
      const parked: string[] = [];
      await rebuildProjection({ ...appointments, apply, db: racing, eventStore: store, truncate: appointments.tables, onParked: (p) => parked.push(p.eventId) });
      // Then it reports the event the leader parked, once
      expect(transactions).toBeGreaterThanOrEqual(2);
      expect(parked).toEqual([poison.id]);
      expect(await countParked(db, 'appointments')).toBe(1);
    });

    it('parks the second confirmation of one Cal.com uid (the unique index refuses it) instead of stopping the read model', async () => {
      const a = await appendBooking(store, 'confirmed', 21);
      const b = await appendBooking(store, 'awaiting_webhook', 22);
      const [requestA] = await store.readStream(`booking-${a}`);
      const uidOfA = (await findAppointmentsAfter(db, store, a))!.calcomUid!;
      // A confirmation the domain would never decide (another booking's uid), appended straight to the store.
      const forged = { bookingId: b, callId: (requestA!.data as { callId: string }).callId.replace('21', '22'), occurredAt: new Date().toISOString(), uid: uidOfA, deliveryId: 'd-forged', via: 'metadata' };
      await store.appendToStream(`booking-${b}`, [{ type: 'BookingConfirmedByWebhook', schemaVersion: 2, data: forged, metadata: { occurredAt: forged.occurredAt } }]);
      const c = await appendBooking(store, 'confirmed', 23);
      const batches: ProjectionBatch[] = [];
      await project(db, store, { onBatch: (batch) => batches.push(batch) });
      const parked = batches.flatMap((batch) => batch.parked);
      expect(parked).toEqual([expect.objectContaining({ type: 'BookingConfirmedByWebhook', streamId: `booking-${b}`, error: expect.stringMatching(/^23505: .*bl_appointments_one_confirmed_uid/) })]);
      expect(await statusOf(db, a)).toBe('confirmed');
      expect(await statusOf(db, b)).toBe('awaiting_webhook');
      expect(await statusOf(db, c)).toBe('confirmed'); // later bookings still reach the read model
      expect(await readCheckpoint(db, 'appointments')).toBe(await store.headPosition());
    });

    it('parks an event whose stored data no schema accepts', async () => {
      const a = await appendBooking(store, 'awaiting_webhook', 31);
      await store.appendToStream(`booking-${a}`, [{ type: 'BookingConfirmedByWebhook', schemaVersion: 2, data: { bookingId: a, uid: 42 }, metadata: { occurredAt: new Date().toISOString() } }]);
      const batches: ProjectionBatch[] = [];
      await project(db, store, { onBatch: (batch) => batches.push(batch) });
      expect(batches.flatMap((batch) => batch.parked)).toEqual([expect.objectContaining({ type: 'BookingConfirmedByWebhook', streamId: `booking-${a}` })]);
      expect(await statusOf(db, a)).toBe('awaiting_webhook');
    });

    it('refuses two confirmed rows with the same Cal.com uid (DB constraint)', async () => {
      await appendIncident(store);
      await project(db, store);
      await expect(
        db.query(
          `INSERT INTO bl_appointments (booking_id, call_id, status, calcom_uid, updated_at, last_event_position, last_event_type)
           VALUES ('intruder', 'call_x', 'confirmed', $1, now(), 'x', 'manual')`,
          [UID],
        ),
      ).rejects.toThrow(/bl_appointments_one_confirmed_uid|duplicate key/);
      await expect(db.query(`UPDATE bl_appointments SET status = 'confirmed', calcom_uid = $1 WHERE booking_id = $2`, [UID, booking688])).rejects.toThrow(/duplicate key/);
      // Other statuses may share a uid (the row of a duplicate may point at it).
      await db.query(`UPDATE bl_appointments SET calcom_uid = $1 WHERE booking_id = $2`, [UID, booking688]);
      expect(await statusOf(db, booking688)).toBe('duplicate');
    });

    it('is idempotent per event: applying an event again, or an older one late, changes nothing', async () => {
      await appendIncident(store);
      await project(db, store);
      const before = await dumpTables(db, [...appointments.tables, 'bl_duplicates']);
      const all = await store.readAll();
      await db.transaction(async (tx) => {
        for (const event of all) await applyToAppointments(tx, event);
        const last = all.at(-1)!;
        await applyToAppointments(tx, last);
        await applyToAppointments(tx, last);
      });
      expect(await dumpTables(db, [...appointments.tables, 'bl_duplicates'])).toEqual(before);
    });

    it('keeps each recorded delivery and how it was settled, on a table of its first version upgraded in place', async () => {
      await db.exec(`CREATE TABLE bl_webhook_deliveries (delivery_id text PRIMARY KEY, trigger_event text, received_at timestamptz, settled_at timestamptz,
        settled_as text CHECK (settled_as IN ('routed', 'orphaned', 'abandoned')))`);
      const at = '2031-03-01T10:00:00.000Z';
      const ev = (event: DeliveryEvent) => toNewEvent(event, { correlationId: 'c', causationId: 'c' });
      const received = (deliveryId: string, from: { practiceId?: string }) =>
        ev({ type: 'CalcomWebhookReceived', data: { deliveryId, occurredAt: at, triggerEvent: 'BOOKING_CREATED', uid: `uid-${deliveryId}`, callId: `call-${deliveryId}`, body: {}, from } });
      await store.appendToStream(webhookStreamId('d1'), [
        received('d1', { practiceId: 'p1' }),
        ev({ type: 'CalcomWebhookRouted', data: { deliveryId: 'd1', occurredAt: '2031-03-01T10:00:01.000Z', bookingId: 'b1', via: 'booking_ref' } }),
      ]);
      await store.appendToStream(webhookStreamId('d2'), [received('d2', {})]);
      await store.appendToStream(webhookStreamId('d3'), [
        received('d3', {}),
        ev({ type: 'CalcomWebhookAbandoned', data: { deliveryId: 'd3', occurredAt: '2031-03-01T10:05:00.000Z', attempts: 5, reason: 'gave up' } }),
      ]);

      await project(db, store);

      const { rows } = await db.query('SELECT delivery_id, trigger_event, calcom_uid, call_id, practice_id, received_at, settled_at, settled_as, reason FROM bl_webhook_deliveries ORDER BY delivery_id');
      const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
      expect(rows.map((r) => ({ ...r, received_at: iso(r.received_at), settled_at: iso(r.settled_at) }))).toEqual([
        { delivery_id: 'd1', trigger_event: 'BOOKING_CREATED', calcom_uid: 'uid-d1', call_id: 'call-d1', practice_id: 'p1', received_at: at, settled_at: '2031-03-01T10:00:01.000Z', settled_as: 'routed', reason: null },
        { delivery_id: 'd2', trigger_event: 'BOOKING_CREATED', calcom_uid: 'uid-d2', call_id: 'call-d2', practice_id: null, received_at: at, settled_at: null, settled_as: null, reason: null },
        { delivery_id: 'd3', trigger_event: 'BOOKING_CREATED', calcom_uid: 'uid-d3', call_id: 'call-d3', practice_id: null, received_at: at, settled_at: '2031-03-01T10:05:00.000Z', settled_as: 'abandoned', reason: 'gave up' },
      ]);
      expect(await findUnsettledDeliveries(db, new Date('2031-03-01T10:01:00.000Z'))).toEqual(['d2']);
      expect(await findUnsettledDeliveries(db, new Date('2031-03-01T09:59:00.000Z'))).toEqual([]);
    });

    it('keeps one leader per projection within a process: a second runner on the same database waits its turn', async () => {
      for (const [n, outcome] of outcomes.entries()) await appendBooking(store, outcome, n);
      const applied = new Map<string, number>();
      const apply = async (tx: Parameters<typeof applyToAppointments>[0], event: StoredEvent) => {
        applied.set(event.id, (applied.get(event.id) ?? 0) + 1);
        await applyToAppointments(tx, event);
      };
      let count = 0;
      const errors: unknown[] = [];
      const runners = [1, 2].map(() => startProjection({ ...appointments, db, eventStore: store, apply, batchSize: 3, pollIntervalMs: 5, onBatch: (b) => (count += b.count), onError: (e) => errors.push(e) }));
      try {
        await waitFor(async () => !(await projectionLag(db, store, 'appointments')).behind);
      } finally {
        await Promise.all(runners.map((r) => r.stop()));
      }
      const total = await countEvents(store);
      expect(errors).toEqual([]);
      expect(count).toBe(total);
      expect(applied.size).toBe(total);
      expect([...applied.values()].every((times) => times === 1)).toBe(true);
    });
  });
}

const describePostgres = postgresUrl ? describe : describe.skip;

describePostgres('appointments projection: two instances on PostgreSQL (set DATABASE_URL to run)', () => {
  let db1: SqlDatabase;
  let db2: SqlDatabase;
  let store1: EventStore;
  let store2: EventStore;

  beforeAll(async () => {
    db1 = await sqlTargets.find(([name]) => name === 'PostgreSQL')![1]();
    const { rows } = await db1.query<{ schema: string }>('SELECT current_schema() AS schema');
    // A second process: its own pool on the same schema.
    db2 = await openPgDatabase(postgresUrl!, { schema: rows[0]!.schema });
    store1 = await createPostgresEventStore(db1);
    store2 = await createPostgresEventStore(db2);
  });
  afterAll(async () => {
    await store1.close();
    await store2.close();
    await db2.close();
    await db1.close();
  });

  it('processes every event exactly once while events keep arriving', async () => {
    const applied = new Map<string, number>();
    const perRunner = [0, 0];
    const errors: unknown[] = [];
    const run = (i: number, db: SqlDatabase, eventStore: EventStore) =>
      startProjection({
        ...appointments,
        db,
        eventStore,
        batchSize: 4,
        pollIntervalMs: 5,
        apply: async (tx, event) => {
          await applyToAppointments(tx, event);
          applied.set(event.id, (applied.get(event.id) ?? 0) + 1);
        },
        onBatch: (batch) => {
          perRunner[i] = (perRunner[i] ?? 0) + batch.count;
        },
        onError: (error) => errors.push(error),
      });
    const runners = [run(0, db1, store1), run(1, db2, store2)];

    const bookings: string[] = [];
    try {
      for (let round = 0; round < 5; round += 1) {
        const appended = await Promise.all(
          outcomes.map((outcome, i) => appendBooking(round % 2 === 0 ? store1 : store2, outcome, round * outcomes.length + i)),
        );
        bookings.push(...appended);
      }
      await waitFor(async () => !(await projectionLag(db1, store1, 'appointments')).behind, 30_000);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }

    const total = await countEvents(store1);
    expect(errors).toEqual([]);
    expect(perRunner[0]! + perRunner[1]!).toBe(total);
    expect(applied.size).toBe(total);
    expect([...applied.values()].filter((times) => times !== 1)).toEqual([]);
    const { rows } = await db1.query<{ n: number }>('SELECT count(*)::int AS n FROM bl_appointments');
    expect(rows[0]!.n).toBe(bookings.length);
    process.stdout.write(`[projections] two runners split ${total} events: ${perRunner.join(' + ')}\n`);
  });

  it('lets a rebuild run while a live runner leads, and both end on the same rows', async () => {
    const running = startProjection({ ...appointments, db: db2, eventStore: store2, batchSize: 4, pollIntervalMs: 5 });
    try {
      await waitFor(async () => !(await projectionLag(db1, store1, 'appointments')).behind, 30_000);
      const before = await dumpTables(db1, appointments.tables);
      await rebuildProjection({ ...appointments, db: db1, eventStore: store1, truncate: appointments.tables, batchSize: 3 });
      await waitFor(async () => !(await projectionLag(db1, store1, 'appointments')).behind, 30_000);
      expect(await dumpTables(db1, appointments.tables)).toEqual(before);
    } finally {
      await running.stop();
    }
  });
});

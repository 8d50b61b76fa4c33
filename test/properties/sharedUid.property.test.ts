import fc from 'fast-check';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { AgentAnswer } from '../../src/application/agentAnswer';
import { loadBooking } from '../../src/application/bookingRepository';
import type { CalcomBooking, CalcomClient, CreateBookingInput, CreateBookingResult } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { bookingIdFor, webhookStreamId } from '../../src/domain';
import { appointmentsProjectionDefinition as appointments, rebuildProjection, runProjectionToEnd } from '../../src/projections';
import { openMemoryPglite } from '../support/databases';
import { oneStreamAtATime } from '../support/oneStreamAtATime';
import { testSettings } from '../support/settings';

/**
 * Several bookings (different call ids, same slot) whose Cal.com answers all carry the SAME uid —
 * the incident, generalised — in random orders and partly concurrently, with random webhooks about
 * that uid, through the real application path: `bookAppointment` (RequestBooking via
 * handleBookingCommand, then submitToCalcom with its uid claim / owner read) and
 * `receiveCalcomWebhook` (record, route, decide), then the appointments projection.
 *
 * Webhooks are realistic in one respect only: a Cal.com uid has ONE metadata, that of whoever really
 * created it (one of our bookings or a foreign call), which Cal.com may also strip. POST answers are
 * not: any booking may get an answer that echoes its own metadata with the shared uid, so the uid
 * claim (first claimant wins) is what must keep the others from owning it.
 */

const EVENT_TYPE = 2563193;
const SLOT = '2031-05-12T07:00:00.000Z';
const START = Date.parse('2031-05-01T09:00:00.000Z');

type AnswerKind = 'creator' | 'creator_stale' | 'echo' | 'echo_pending' | 'timeout' | 'slot_taken';
type MetadataKind = 'creator' | 'creator_call_id_only' | 'creator_ref_only' | 'none' | 'foreign';
type Op =
  | { kind: 'book'; booking: number }
  | { kind: 'webhook'; fact: number }
  | { kind: 'redeliver'; fact: number };

const scenarioArb = fc.record({
  bookings: fc.array(
    fc.record({
      answer: fc.constantFrom<AnswerKind>('creator', 'creator', 'creator_stale', 'echo', 'echo', 'echo_pending', 'timeout', 'slot_taken'),
      sharedEmail: fc.boolean(),
    }),
    { minLength: 2, maxLength: 4 },
  ),
  /** Index of the booking Cal.com really created the uid for; beyond the list = a foreign call. */
  creator: fc.nat({ max: 4 }),
  facts: fc.array(
    fc.record({
      trigger: fc.constantFrom('BOOKING_CREATED', 'BOOKING_CREATED', 'BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_CANCELLED'),
      metadata: fc.constantFrom<MetadataKind>('creator', 'creator', 'creator_call_id_only', 'creator_ref_only', 'none', 'foreign'),
      createdAtOffsetMs: fc.integer({ min: 0, max: 600_000 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  /** Operations in waves; the operations of one wave run concurrently. */
  waves: fc.array(
    fc.record({
      ops: fc.array(
        fc.oneof(
          fc.nat({ max: 3 }).map((booking): Op => ({ kind: 'book', booking })),
          fc.nat({ max: 4 }).map((fact): Op => ({ kind: 'webhook', fact })),
          fc.nat({ max: 4 }).map((fact): Op => ({ kind: 'redeliver', fact })),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      /** Catch the projection up after this wave (so incremental and rebuilt read models differ in history). */
      project: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const dump = async (db: SqlDatabase) => ({
  appointments: (await db.query('SELECT * FROM bl_appointments ORDER BY booking_id')).rows,
  touches: (await db.query('SELECT * FROM bl_uid_touches ORDER BY booking_id, calcom_uid, kind')).rows,
});

const stores: Array<[string, (store: EventStore) => EventStore]> = [
  ['claim and answer in one transaction', (store) => store],
  ['one stream after another, as on EventStoreDB', oneStreamAtATime],
];

describe.each(stores)('one Cal.com uid handed to several bookings, through the application and the projection (PGlite, %s)', (_name, variant) => {
  let db: SqlDatabase;
  let store: EventStore;
  let run = 0;

  beforeAll(async () => {
    db = await openMemoryPglite();
    store = variant(await createPostgresEventStore(db));
    await db.exec(appointments.schema);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  const playScenario = async (scenario: Scenario) => {
    await db.exec('TRUNCATE bl_events, bl_streams, bl_projection_checkpoints, bl_appointments, bl_uid_touches, bl_calls, bl_audit_findings, bl_webhook_deliveries');
    run += 1;
    const uid = `shared-uid-${run}`;
    const calls = scenario.bookings.map((_, i) => `call_run${run}_${i}`);
    const ids = calls.map((callId) => bookingIdFor(callId, EVENT_TYPE, SLOT));
    const attendees = scenario.bookings.map((b, i) => ({ name: `Caller ${i}`, email: b.sharedEmail ? 'termin@example.org' : `caller${i}@example.org` }));
    const creator = scenario.creator < calls.length ? scenario.creator : undefined;
    const creatorMeta = creator === undefined ? { call_id: `call_foreign_${run}`, booking_ref: 'ffffffff-0000-5000-8000-000000000000' } : { call_id: calls[creator]!, booking_ref: ids[creator]! };

    let clock = START;
    const posts = new Map<string, number>();
    const calcomBooking = (metadata: Record<string, string>, createdAt: number, status: string, attendee: { name: string; email: string }): CalcomBooking => ({
      id: 900 + run,
      uid,
      status,
      start: SLOT,
      createdAt: new Date(createdAt).toISOString(),
      metadata,
      attendees: [attendee],
    });
    const calcom: CalcomClient = {
      createBooking: async (input: CreateBookingInput): Promise<CreateBookingResult> => {
        const i = ids.indexOf(input.metadata.booking_ref!);
        posts.set(ids[i]!, (posts.get(ids[i]!) ?? 0) + 1);
        const creatorAttendee = creator === undefined ? { name: 'Foreign', email: 'termin@example.org' } : attendees[creator]!;
        switch (scenario.bookings[i]!.answer) {
          case 'creator':
            return { outcome: 'answered', httpStatus: 201, booking: calcomBooking(creatorMeta, clock + 50, 'accepted', creatorAttendee), latencyMs: 50 };
          case 'creator_stale':
            return { outcome: 'answered', httpStatus: 201, booking: calcomBooking(creatorMeta, START - 3 * 86_400_000, 'accepted', creatorAttendee), latencyMs: 50 };
          case 'echo':
          case 'echo_pending': {
            const status = scenario.bookings[i]!.answer === 'echo' ? 'accepted' : 'pending';
            return { outcome: 'answered', httpStatus: 201, booking: calcomBooking(input.metadata, clock + 50, status, attendees[i]!), latencyMs: 50 };
          }
          case 'timeout':
            return { outcome: 'unreachable', reason: 'timeout', message: 'timeout of 1500ms exceeded', latencyMs: 1500 };
          case 'slot_taken':
            return { outcome: 'rejected', httpStatus: 400, message: 'User either already has booking at this time or is not available', latencyMs: 40 };
        }
      },
      getBooking: async () => ({ outcome: 'not_found', latencyMs: 1 }),
      getSlots: async () => ({ outcome: 'ok', slots: [], latencyMs: 1 }),
      findBookings: async () => ({ outcome: 'ok', bookings: [], latencyMs: 1 }),
      getEventType: async () => ({ outcome: 'not_found', latencyMs: 1 }),
      rescheduleBooking: async () => ({ outcome: 'rejected', httpStatus: 400, message: 'not used here', latencyMs: 1 }),
      cancelBooking: async () => ({ outcome: 'cancelled', latencyMs: 1 }),
    };
    const deps: UseCaseDeps = {
      store,
      calcom,
      telemetry: silentTelemetry,
      settings: testSettings({ eventTypeId: EVENT_TYPE, horizonDays: 365 }),
      lookup: { bookingsForCall: async (callId) => ids.filter((_, i) => calls[i] === callId).map((bookingId) => ({ bookingId, slotStart: SLOT })) },
      now: () => new Date(clock),
    };

    const bodies = scenario.facts.map((fact) => {
      const metadata: Record<string, string> = { videoCallUrl: 'https://cal.test/video/x' };
      if (fact.metadata === 'creator' || fact.metadata === 'creator_call_id_only') metadata.call_id = creatorMeta.call_id;
      if (fact.metadata === 'creator' || fact.metadata === 'creator_ref_only') metadata.booking_ref = creatorMeta.booking_ref;
      if (fact.metadata === 'foreign') metadata.call_id = `call_someone_else_${run}`;
      return JSON.stringify({
        triggerEvent: fact.trigger,
        createdAt: new Date(START + fact.createdAtOffsetMs).toISOString(),
        payload: { uid, bookingId: 900 + run, startTime: SLOT, metadata, attendees: [{ name: 'Someone', email: 'termin@example.org' }] },
      });
    });
    const sent = new Set<number>();
    const provenCreated = new Set<number>(); // facts delivered that could prove the creator's booking
    const answers: Array<{ booking: number; answer: AgentAnswer }> = [];

    const perform = async (op: Op) => {
      clock += 1000;
      if (op.kind === 'book') {
        const booking = op.booking % ids.length;
        const answer = await bookAppointment(deps, { callId: calls[booking]!, requestId: `req-${run}-${booking}` }, { slotStartUtc: SLOT, name: attendees[booking]!.name, email: attendees[booking]!.email });
        answers.push({ booking, answer });
        return;
      }
      const fact = op.fact % bodies.length;
      if (op.kind === 'redeliver' && !sent.has(fact)) return;
      sent.add(fact);
      // A new delivery of the same fact is a new body (Cal.com's createdAt moves on); a redelivery is byte-identical.
      const body = op.kind === 'redeliver' ? bodies[fact]! : bodies[fact]!.replace(/"createdAt":"[^"]+"/, `"createdAt":"${new Date(clock).toISOString()}"`);
      if (op.kind === 'webhook') bodies[fact] = body;
      await receiveCalcomWebhook(deps, Buffer.from(body));
      const { trigger, metadata } = scenario.facts[fact]!;
      if (trigger === 'BOOKING_CREATED' && (metadata === 'creator' || metadata === 'creator_call_id_only')) provenCreated.add(fact);
    };

    for (const wave of scenario.waves) {
      await Promise.all(wave.ops.map(perform));
      if (wave.project) await runProjectionToEnd({ ...appointments, db, eventStore: store });
    }
    return { uid, ids, calls, creator, posts, answers, provenCreated };
  };

  it('confirms at most one booking per uid, only the one Cal.com created it for, and rebuilds to the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { uid, ids, creator, posts, answers, provenCreated } = await playScenario(scenario);

        // Exactly one POST per booking, however often and however concurrently it was requested.
        for (const [bookingId, count] of posts) expect([bookingId, count]).toEqual([bookingId, 1]);

        const loaded = await Promise.all(ids.map((id) => loadBooking(store, id)));
        const states = loaded.map((l) => l.state);
        // The uid claim: however many answers carried the uid, at most one booking accepted it as its own.
        const acceptedBy = loaded.filter((l) => l.stored.some((e) => e.type === 'CalcomBookingAccepted' && (e.data as { uid: string }).uid === uid));
        expect(acceptedBy.length).toBeLessThanOrEqual(1);
        const confirmed = states.map((s, i) => ({ s, i })).filter(({ s }) => s.status === 'confirmed');
        expect(confirmed.length).toBeLessThanOrEqual(1);
        for (const { s, i } of confirmed) {
          expect(i).toBe(creator);
          expect(s.uid).toBe(uid);
          expect(provenCreated.size).toBeGreaterThan(0);
        }
        // The caller hears "confirmed" only in the booking Cal.com created, and only after its BOOKING_CREATED.
        for (const { booking, answer } of answers) {
          if (answer.status === 'confirmed') expect(booking).toBe(creator);
        }

        // Every delivery is recorded once, then routed to one booking or orphaned exactly once, however often it came.
        const deliveries = new Map<string, string[]>();
        for (const e of await store.readAll({ maxCount: 100_000 })) {
          if (e.streamId.startsWith(webhookStreamId(''))) deliveries.set(e.streamId, [...(deliveries.get(e.streamId) ?? []), e.type]);
        }
        for (const [streamId, types] of deliveries) {
          expect([streamId, types[0], types.filter((t) => t === 'CalcomWebhookRouted' || t === 'CalcomWebhookOrphaned').length]).toEqual([streamId, 'CalcomWebhookReceived', 1]);
        }

        await runProjectionToEnd({ ...appointments, db, eventStore: store });
        const rows = (await db.query<{ booking_id: string; status: string; calcom_uid: string | null }>('SELECT booking_id, status, calcom_uid FROM bl_appointments')).rows;
        // The read model says what the streams say, and confirms at most one row for any uid.
        for (const [i, id] of ids.entries()) {
          const row = rows.find((r) => r.booking_id === id);
          expect(row?.status ?? 'none').toBe(states[i]!.status);
        }
        const confirmedByUid = new Map<string, number>();
        for (const row of rows.filter((r) => r.status === 'confirmed')) confirmedByUid.set(String(row.calcom_uid), (confirmedByUid.get(String(row.calcom_uid)) ?? 0) + 1);
        for (const count of confirmedByUid.values()) expect(count).toBeLessThanOrEqual(1);

        const before = await dump(db);
        await rebuildProjection({ ...appointments, db, eventStore: store, truncate: appointments.tables });
        expect(await dump(db)).toEqual(before);
      }),
      // 20 scenarios for each of the two stores (30 when it ran on one): FC_DB_RUNS=200 for a deeper search.
      { numRuns: Number(process.env.FC_DB_RUNS ?? 20) },
    );
  });
});

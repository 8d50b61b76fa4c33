import fc from 'fast-check';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { loadBooking } from '../../src/application/bookingRepository';
import type { CalcomClient, CreateBookingInput, CreateBookingResult } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { readUidOwner } from '../../src/application/uidClaims';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import { cancelAppointment } from '../../src/application/useCases/cancelAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { deliveryIdOf, receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { resumeDelivery } from '../../src/application/useCases/resumeDelivery';
import { bookingIdFor } from '../../src/domain';
import { appointmentsProjectionDefinition as appointments, runProjectionToEnd } from '../../src/projections';
import { openMemoryPglite } from '../support/databases';
import { gatedAppends } from '../support/gatedAppends';
import { oneStreamAtATime } from '../support/oneStreamAtATime';
import { testSettings } from '../support/settings';

/**
 * Authentic (signed) but hostile Cal.com deliveries, in any interleaving with bookings and cancellations,
 * through the real application path: any trigger, naming any of our bookings (booking_ref) and calls
 * (call_id) with any uid — another booking's, a fresh one, or none of ours — and any old uid.
 * Some are cut off right after they were recorded and settled later by the delivery resumer, at any point
 * among the others. Whatever arrives: no booking is ever confirmed with (or holds) a uid whose claim it
 * does not own, no cancellation reaches Cal.com for a uid the cancelling booking does not own, and every
 * recorded delivery ends settled.
 */

const EVENT_TYPE = 2563193;
const START = Date.parse('2031-05-01T09:00:00.000Z');
const slotOf = (i: number) => new Date(Date.parse('2031-05-12T07:00:00.000Z') + i * 3_600_000).toISOString();

const deliveryArb = fc.record({
  trigger: fc.constantFrom('BOOKING_CREATED', 'BOOKING_CREATED', 'BOOKING_REQUESTED', 'BOOKING_CANCELLED', 'BOOKING_REJECTED', 'BOOKING_RESCHEDULED'),
  /** Whose uid: one of the bookings' (index), or a fresh one nobody was given. */
  uidOf: fc.nat({ max: 3 }),
  bookingRef: fc.option(fc.nat({ max: 2 }), { nil: undefined }),
  callId: fc.option(fc.nat({ max: 2 }), { nil: undefined }),
  rescheduleUidOf: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
  /** Cut off after this many appends, the record being the first (a crash, a database error): left to the delivery resumer. 0: not cut off. */
  cutOffAfter: fc.constantFrom(0, 0, 0, 1, 2, 3),
  /**
   * A cut-off delivery's record written alone first, as the crash point TEST_CRASH_POINT forces (else it
   * may go in the transaction that settles it, which the cut then fails whole, leaving nothing or the record).
   */
  recordAloneFirst: fc.boolean(),
});
type Delivery = typeof deliveryArb extends fc.Arbitrary<infer T> ? T : never;

const opArb = fc.oneof(
  fc.nat({ max: 2 }).map((booking) => ({ kind: 'book' as const, booking })),
  fc.nat({ max: 2 }).map((booking) => ({ kind: 'cancel' as const, booking })),
  { weight: 4, arbitrary: deliveryArb.map((delivery) => ({ kind: 'deliver' as const, delivery })) },
  fc.constant({ kind: 'resume' as const }),
);

const scenarioArb = fc.record({
  waves: fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 8 }),
  /** Cal.com answers some POSTs pending (host must confirm) and times some out (the uid then comes only by webhook). */
  answers: fc.tuple(...[0, 1, 2].map(() => fc.constantFrom<'accepted' | 'pending' | 'timeout'>('accepted', 'accepted', 'pending', 'timeout'))),
});

describe('signed but hostile Cal.com deliveries, through the application (PGlite)', () => {
  let db: SqlDatabase;
  let base: EventStore;
  let run = 0;

  beforeAll(async () => {
    db = await openMemoryPglite();
    base = await createPostgresEventStore(db);
    await db.exec(appointments.schema);
  });
  afterAll(async () => {
    await base.close();
    await db.close();
  });

  it.each([
    ['a store that appends to several streams at once', (s: EventStore) => s],
    ['a store that appends one stream at a time (as EventStoreDB)', oneStreamAtATime],
  ])('never confirms a booking with a uid it does not own, and never cancels one (%s)', async (_variant, variant) => {
    const store = variant(base);
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await db.exec('TRUNCATE bl_events, bl_streams, bl_projection_checkpoints, bl_appointments, bl_uid_touches, bl_calls, bl_audit_findings, bl_webhook_deliveries');
        run += 1;
        const calls = [0, 1, 2].map((i) => `call_h${run}_${i}`);
        const ids = calls.map((callId, i) => bookingIdFor(callId, EVENT_TYPE, slotOf(i)));
        const uids = [0, 1, 2, 3].map((i) => `uid-h${run}-${i}`); // uid 3: nobody's
        let clock = START;
        const cancels: Array<{ uid: string; bookingId: string }> = [];
        let cancelling: string | undefined;
        const calcom: CalcomClient = {
          createBooking: async (input: CreateBookingInput): Promise<CreateBookingResult> => {
            const i = ids.indexOf(input.metadata.booking_ref!);
            const kind = scenario.answers[i]!;
            if (kind === 'timeout') return { outcome: 'unreachable', reason: 'timeout', message: 'timeout', latencyMs: 1500 };
            const booking = { id: 100 + i, uid: uids[i]!, status: kind, start: input.start, createdAt: new Date(clock).toISOString(), metadata: input.metadata, attendees: [input.attendee] };
            return { outcome: 'answered', httpStatus: 201, booking, latencyMs: 20 };
          },
          getBooking: async (uid) => {
            const i = uids.indexOf(uid);
            if (i < 0 || i > 2) return { outcome: 'not_found', latencyMs: 1 };
            const metadata = { call_id: calls[i]!, booking_ref: ids[i]! };
            return { outcome: 'found', booking: { id: 100 + i, uid, status: 'accepted', start: slotOf(i), metadata, attendees: [] }, latencyMs: 1 };
          },
          getSlots: async () => ({ outcome: 'ok', slots: [], latencyMs: 1 }),
          findBookings: async () => ({ outcome: 'ok', bookings: [], latencyMs: 1 }),
      getEventType: async () => ({ outcome: 'not_found', latencyMs: 1 }),
      rescheduleBooking: async () => ({ outcome: 'rejected', httpStatus: 400, message: 'not used here', latencyMs: 1 }),
          cancelBooking: async (uid) => {
            cancels.push({ uid, bookingId: cancelling! });
            return { outcome: 'cancelled', latencyMs: 1 };
          },
        };
        const deps: UseCaseDeps = {
          store,
          calcom,
          telemetry: silentTelemetry,
          settings: testSettings({ eventTypeId: EVENT_TYPE, horizonDays: 3650 }),
          lookup: { bookingsForCall: async (callId) => ids.filter((_, i) => calls[i] === callId).map((bookingId, i) => ({ bookingId, slotStart: slotOf(i) })) },
          now: () => new Date(clock),
        };
        const body = (d: Delivery, n: number) => {
          const metadata: Record<string, string> = {};
          if (d.bookingRef !== undefined) metadata.booking_ref = ids[d.bookingRef]!;
          if (d.callId !== undefined) metadata.call_id = calls[d.callId]!;
          return JSON.stringify({
            triggerEvent: d.trigger,
            createdAt: new Date(clock + n).toISOString(),
            payload: { uid: uids[d.uidOf]!, bookingId: 100 + d.uidOf, startTime: slotOf(d.uidOf % 3), metadata, ...(d.rescheduleUidOf !== undefined && { rescheduleUid: uids[d.rescheduleUidOf]! }) },
          });
        };

        // A delivery cut off after `appends` appends (one several-stream append counts once): every later one fails.
        const cutOffStore = (appends: number): EventStore => {
          let left = appends;
          return gatedAppends(store, () => {
            if (left <= 0) throw new Error('Connection terminated unexpectedly');
            left -= 1;
          });
        };
        const cutOff: string[] = [];
        const resumeCutOff = async () => {
          for (const id of cutOff.splice(0)) await resumeDelivery(deps, id);
        };

        let n = 0;
        for (const wave of scenario.waves) {
          clock += 1000;
          // Cancellations run one at a time (the fake needs to know who cancels); everything else concurrently.
          await Promise.all(
            wave.filter((op) => op.kind !== 'cancel').map(async (op) => {
              n += 1;
              if (op.kind === 'book') {
                await bookAppointment(deps, { callId: calls[op.booking]!, requestId: `r${n}` }, { slotStartUtc: slotOf(op.booking), name: `Caller ${op.booking}` });
              } else if (op.kind === 'deliver' && op.delivery.cutOffAfter > 0) {
                const raw = Buffer.from(body(op.delivery, n));
                // (It may need no more appends than it was allowed: then it settles on arrival.)
                const hooks = op.delivery.recordAloneFirst ? { hooks: { afterDeliveryRecorded: () => undefined } } : {};
                await receiveCalcomWebhook({ ...deps, store: cutOffStore(op.delivery.cutOffAfter), ...hooks }, raw).catch((error: Error) => expect(error.message).toBe('Connection terminated unexpectedly'));
                cutOff.push(deliveryIdOf(raw));
              } else if (op.kind === 'deliver') {
                await receiveCalcomWebhook(deps, Buffer.from(body(op.delivery, n)));
              } else if (op.kind === 'resume') {
                await resumeCutOff();
              }
            }),
          );
          for (const op of wave) {
            if (op.kind !== 'cancel') continue;
            cancelling = ids[op.booking]!;
            await cancelAppointment(deps, { callId: calls[op.booking]!, requestId: `c${n}` }, { bookingId: ids[op.booking]! });
          }
        }

        await resumeCutOff();
        for (const id of ids) {
          const { state } = await loadBooking(store, id);
          if (state.uid !== undefined) expect({ id, uid: state.uid, owner: await readUidOwner(store, state.uid) }).toEqual({ id, uid: state.uid, owner: id });
          if (state.status === 'confirmed') expect(await readUidOwner(store, state.uid!)).toBe(id);
        }
        for (const { uid, bookingId } of cancels) expect({ uid, owner: await readUidOwner(store, uid) }).toEqual({ uid, owner: bookingId });
        // And the read model takes all of it: nothing parked, every booking's row as its stream says.
        await runProjectionToEnd({ ...appointments, db, eventStore: store });
        expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bl_parked_events')).rows[0]!.n).toBe(0);
        // Every booking delivery it recorded was settled (routed or orphaned) on arrival or by the resumer: none is left.
        const deliveries = await db.query<{ settled_as: string | null }>('SELECT settled_as FROM bl_webhook_deliveries');
        expect(deliveries.rows.length > 0).toBe(scenario.waves.flat().some((op) => op.kind === 'deliver'));
        expect(deliveries.rows.filter((r) => r.settled_as !== 'routed' && r.settled_as !== 'orphaned')).toEqual([]);
      }),
      { numRuns: Number(process.env.FC_DB_RUNS ?? 30) },
    );
  });
});

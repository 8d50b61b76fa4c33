import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { loadBooking } from '../../src/application/bookingRepository';
import type { CalcomClient } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { deliveryIdOf, receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { webhookStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { answeredCreates, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { gatedAppends } from '../support/gatedAppends';
import { testSettings } from '../support/settings';

/**
 * A first Cal.com delivery is recorded in the transaction that settles it (one commit instead of two),
 * in the same global order as when the record came first; anything else takes the two steps.
 */
const EVENT_TYPE = 2563193;

describe.each(sqlTargets)('recording a Cal.com delivery with its settling (%s)', (_name, openDb) => {
  let db: SqlDatabase;
  let store: EventStore;
  let deps: UseCaseDeps;
  let n = 0;
  const created = new Map<string, CalcomBookingJson>();
  let onLookup: (uid: string) => Promise<void> = async () => undefined;

  beforeAll(async () => {
    db = await openDb();
    store = await createPostgresEventStore(db);
    const calcom = {
      createBooking: answeredCreates(created),
      getBooking: async (uid) => {
        await onLookup(uid);
        const booking = [...created.values()].find((b) => b.uid === uid)!;
        return { outcome: 'found', booking: { ...booking, status: 'accepted' }, latencyMs: 5 };
      },
    } as Partial<CalcomClient> as CalcomClient;
    deps = { store, calcom, telemetry: silentTelemetry, settings: testSettings({ eventTypeId: EVENT_TYPE }), now: () => new Date() };
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  /** Given a booking Cal.com accepted, waiting for its webhook; and that webhook's body. */
  const givenAwaitingWebhook = async (shape: (body: ReturnType<typeof webhookFor>) => void = () => undefined) => {
    n += 1;
    const slot = new Date(Date.parse('2032-03-01T07:00:00.000Z') + n * 3_600_000).toISOString();
    const answer = await bookAppointment(deps, { callId: `call_record_settle_${n}_${Date.now()}`, requestId: `r${n}` }, { slotStartUtc: slot, name: 'Caller' });
    const body = webhookFor(created.get(answer.booking_id!)!);
    shape(body);
    return { bookingId: answer.booking_id!, body: Buffer.from(JSON.stringify(body)) };
  };
  /** The store, with the streams of each append it is asked for (one several-stream append is one entry). */
  const counting = () => {
    const appends: string[][] = [];
    return { appends, store: gatedAppends(store, (streamIds) => void appends.push(streamIds)) };
  };
  const typesOf = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
  /** Telemetry that keeps how each delivery was counted and what was logged at warn or error. */
  const recording = () => {
    const counted: string[] = [];
    const logged: string[] = [];
    const telemetry = { ...silentTelemetry, webhookDelivery: (r: string) => void counted.push(r), log: (level: string, message: string) => void (level !== 'info' && logged.push(`${level}: ${message}`)) };
    return { counted, logged, telemetry };
  };

  it('writes the record, the booking\'s decision and the routing in one append, in the order the two steps wrote them', async () => {
    const { bookingId, body } = await givenAwaitingWebhook();
    const { appends, store: counted } = counting();
    const outcome = await receiveCalcomWebhook({ ...deps, store: counted }, body);
    expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: ['BookingConfirmedByWebhook'] });
    const delivery = webhookStreamId(deliveryIdOf(body));
    expect(appends).toEqual([[delivery, `booking-${bookingId}`, delivery]]);
    const [received, routed] = await store.readStream(delivery);
    expect([received!.type, routed!.type]).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
    const confirmed = (await store.readStream(`booking-${bookingId}`)).at(-1)!;
    expect(confirmed.type).toBe('BookingConfirmedByWebhook');
    expect(received!.position < confirmed.position && confirmed.position < routed!.position).toBe(true);
    expect((await loadBooking(store, bookingId)).state.status).toBe('confirmed');
  });

  it('records alone first while a crash point needs the record written on its own', async () => {
    const { bookingId, body } = await givenAwaitingWebhook();
    const { appends, store: counted } = counting();
    await receiveCalcomWebhook({ ...deps, store: counted, hooks: { afterDeliveryRecorded: () => undefined } }, body);
    const delivery = webhookStreamId(deliveryIdOf(body));
    expect(appends).toEqual([[delivery], [`booking-${bookingId}`, delivery]]);
  });

  it('six copies of one delivery at once: one record, one routing, applied once, one of them answered as the first', async () => {
    const { bookingId, body } = await givenAwaitingWebhook();
    const { counted, telemetry } = recording();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => receiveCalcomWebhook({ ...deps, telemetry }, body)));
    expect(outcomes.filter((o) => o.result === 'recorded')).toHaveLength(1);
    expect(counted.sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(outcomes.filter((o) => o.result === 'duplicate')).toHaveLength(5);
    expect(await typesOf(webhookStreamId(deliveryIdOf(body)))).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
    expect((await typesOf(`booking-${bookingId}`)).filter((t) => t === 'BookingConfirmedByWebhook')).toHaveLength(1);
  });

  it('the one append failing for another reason than a conflict: the record is written alone, then settled', async () => {
    const { bookingId, body } = await givenAwaitingWebhook();
    let failed = 0;
    const failsOnce = gatedAppends(store, (streamIds) => {
      if (streamIds.length > 1 && failed++ === 0) throw new Error('Connection terminated unexpectedly');
    });
    const outcome = await receiveCalcomWebhook({ ...deps, store: failsOnce }, body);
    expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: ['BookingConfirmedByWebhook'] });
    expect(failed).toBe(2);
    expect(await typesOf(webhookStreamId(deliveryIdOf(body)))).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
  });

  it('a delivery that needs a Cal.com lookup (the host accepted) is recorded before the lookup is made', async () => {
    const { bookingId, body } = await givenAwaitingWebhook((b) => void (b.payload.metadata = {} as never));
    const delivery = webhookStreamId(deliveryIdOf(body));
    const seenAtLookup: string[][] = [];
    onLookup = async () => void seenAtLookup.push(await typesOf(delivery));
    try {
      const outcome = await receiveCalcomWebhook(deps, body);
      expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: ['HostAcceptanceReceived', 'CalcomBookingLookedUp', 'BookingConfirmedByWebhook'] });
    } finally {
      onLookup = async () => undefined;
    }
    expect(seenAtLookup).toEqual([['CalcomWebhookReceived']]);
    expect(await typesOf(delivery)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
  });

  it('a delivery naming another uid than its booking\'s is recorded alone before a claim is tried', async () => {
    // (Our booking_ref with a uid nobody holds: the uid Cal.com really made for us, claimed, then confirmed.)
    const uid = `uid-not-the-answers-${n}`;
    const { bookingId, body } = await givenAwaitingWebhook((b) => void (b.payload.uid = uid));
    const { appends, store: counted } = counting();
    const outcome = await receiveCalcomWebhook({ ...deps, store: counted }, body);
    expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: ['BookingConfirmedByWebhook'] });
    const delivery = webhookStreamId(deliveryIdOf(body));
    expect(appends).toEqual([[delivery], [`calcom-uid-${uid}`], [`booking-${bookingId}`, delivery]]);
    expect(await typesOf(delivery)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
  });

  it('an orphan (no booking of ours) is recorded with its settling in one append', async () => {
    const { body } = await givenAwaitingWebhook((b) => {
      b.payload.uid = `uid-of-nobody-${n}`;
      b.payload.metadata = {} as never;
    });
    const { appends, store: counted } = counting();
    const outcome = await receiveCalcomWebhook({ ...deps, store: counted }, body);
    expect(outcome).toMatchObject({ result: 'recorded', orphan: 'no_booking' });
    const delivery = webhookStreamId(deliveryIdOf(body));
    expect(appends).toEqual([[delivery]]);
    expect(await typesOf(delivery)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookOrphaned']);
  });

  it('its own record written first (a claim ahead), then the one append failing: answered and counted as the first arrival, not a duplicate', async () => {
    const uid = `uid-claimed-then-failed-${n}`;
    const { bookingId, body } = await givenAwaitingWebhook((b) => void (b.payload.uid = uid));
    let failed = 0;
    const failsOnce = gatedAppends(store, (streamIds) => {
      if (streamIds.length > 1 && failed++ === 0) throw new Error('Connection terminated unexpectedly');
    });
    const { counted, logged, telemetry } = recording();
    const outcome = await receiveCalcomWebhook({ ...deps, store: failsOnce, telemetry }, body);
    expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: ['BookingConfirmedByWebhook'] });
    expect(counted).toEqual(['applied']);
    expect(logged).toEqual(['warn: Cal.com delivery not settled with its record; recording it alone']);
    expect(await typesOf(webhookStreamId(deliveryIdOf(body)))).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
  });

  it('the one append committed but its answer lost: answered as recorded and settled, counted once, the failure logged as an error', async () => {
    const { bookingId, body } = await givenAwaitingWebhook();
    let lost = 0;
    const answerLostOnce: EventStore = {
      ...store,
      appendToStreams: async (appends) => {
        const results = await store.appendToStreams!(appends);
        if (lost++ === 0) throw new Error('Connection terminated unexpectedly');
        return results;
      },
    };
    const { counted, logged, telemetry } = recording();
    const outcome = await receiveCalcomWebhook({ ...deps, store: answerLostOnce, telemetry }, body);
    expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: [] });
    expect(counted).toEqual(['already_settled']);
    expect(logged).toEqual([
      'warn: Cal.com delivery not settled with its record; recording it alone',
      'error: Cal.com delivery found settled after its settling here failed; answered as settled',
    ]);
    expect(await typesOf(webhookStreamId(deliveryIdOf(body)))).toEqual(['CalcomWebhookReceived', 'CalcomWebhookRouted']);
    expect((await typesOf(`booking-${bookingId}`)).filter((t) => t === 'BookingConfirmedByWebhook')).toHaveLength(1);
  });

  it('a redelivery of a settled delivery stays a duplicate', async () => {
    const { body } = await givenAwaitingWebhook();
    await receiveCalcomWebhook(deps, body);
    const { counted, telemetry } = recording();
    const again = await receiveCalcomWebhook({ ...deps, telemetry }, body);
    expect(again).toMatchObject({ result: 'duplicate', applied: [] });
    expect(counted).toEqual(['duplicate']);
  });
});

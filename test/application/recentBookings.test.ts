import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { CalcomClient } from '../../src/application/ports/calcom';
import type { EventStore } from '../../src/application/ports/eventStore';
import { silentTelemetry } from '../../src/application/ports/telemetry';
import { rememberNotedBookings } from '../../src/application/recentBookings';
import { bookAppointment } from '../../src/application/useCases/bookAppointment';
import type { UseCaseDeps } from '../../src/application/useCases/deps';
import { receiveCalcomWebhook } from '../../src/application/useCases/receiveCalcomWebhook';
import { bookingStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { answeredCreates, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { testSettings } from '../support/settings';

/**
 * A webhook for a booking whose last append this process made (its Cal.com answer, seconds before) is
 * decided on the state that append left, without reading the booking first; where another process has
 * moved the booking on since, the decision's append is refused on its version and the stream is read.
 */
describe.each(sqlTargets)('webhooks decided on the booking state this process remembers (%s)', (_name, openDb) => {
  let db: SqlDatabase;
  let stores: EventStore[] = [];
  let n = 0;
  const created = new Map<string, CalcomBookingJson>();
  const calcom = {
    createBooking: answeredCreates(created),
  } as Partial<CalcomClient> as CalcomClient;

  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await db.close();
  });

  /** A process: a store of its own on the shared database (reads of booking streams counted) and, unless `memory: false`, its memory, on a clock the test moves. */
  const givenProcess = async ({ memory = true } = {}) => {
    const store = await createPostgresEventStore(db);
    stores.push(store);
    let reads = 0;
    let clock = Date.now();
    const counted: EventStore = {
      ...store,
      readStream: (streamId, options) => {
        if (streamId.startsWith(bookingStreamId(''))) reads += 1;
        return store.readStream(streamId, options);
      },
    };
    const deps: UseCaseDeps = {
      store: counted,
      calcom,
      telemetry: silentTelemetry,
      settings: testSettings(),
      now: () => new Date(),
      ...(memory && { recentBookings: rememberNotedBookings(store, () => clock) }),
    };
    return { deps, reads: () => reads, later: (ms: number) => void (clock += ms) };
  };
  const givenBooked = async (deps: UseCaseDeps) => {
    n += 1;
    const slot = new Date(Date.parse('2032-05-03T07:00:00.000Z') + n * 3_600_000).toISOString();
    const answer = await bookAppointment(deps, { callId: `call_recent_${n}_${Date.now()}`, requestId: `r${n}` }, { slotStartUtc: slot, name: 'Caller' });
    expect(answer.booking_status).toBe('awaiting_webhook');
    const booking = created.get(answer.booking_id!)!;
    const delivery = (createdAt: string, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify(webhookFor(booking, 'BOOKING_CREATED', extra, new Date(createdAt))));
    return { bookingId: answer.booking_id!, delivery };
  };
  const confirmationsOf = async (bookingId: string) => (await stores[0]!.readStream(bookingStreamId(bookingId))).filter((e) => e.type === 'BookingConfirmedByWebhook').length;

  it('given a booking this process answered, when its BOOKING_CREATED arrives here, then it is confirmed without reading the booking', async () => {
    const one = await givenProcess();
    const { bookingId, delivery } = await givenBooked(one.deps);
    const readsBefore = one.reads();

    const outcome = await receiveCalcomWebhook(one.deps, delivery('2032-05-01T10:00:00.000Z'));

    expect(outcome).toMatchObject({ result: 'recorded', bookingId, applied: ['BookingConfirmedByWebhook'] });
    expect(one.reads() - readsBefore).toBe(0);
    expect(await confirmationsOf(bookingId)).toBe(1);
  });

  it('given another process confirmed the booking since (this memory is stale), when a second BOOKING_CREATED for it arrives here, then the append on the old version is refused, the booking read, and it holds one confirmation', async () => {
    const one = await givenProcess();
    const other = await givenProcess({ memory: false });
    const { bookingId, delivery } = await givenBooked(one.deps);
    expect(await receiveCalcomWebhook(other.deps, delivery('2032-05-01T10:00:00.000Z'))).toMatchObject({ applied: ['BookingConfirmedByWebhook'] });
    const readsBefore = one.reads();

    const outcome = await receiveCalcomWebhook(one.deps, delivery('2032-05-01T10:00:05.000Z'));

    expect(outcome).toMatchObject({ result: 'recorded', bookingId });
    expect(outcome).not.toMatchObject({ applied: ['BookingConfirmedByWebhook'] });
    expect(one.reads() - readsBefore).toBeGreaterThanOrEqual(1);
    expect(await confirmationsOf(bookingId)).toBe(1);
  });

  it('given the remembered state older than two minutes, or a delivery for another uid, when it arrives, then the booking is read first', async () => {
    const one = await givenProcess();
    const { bookingId, delivery } = await givenBooked(one.deps);
    one.later(120_001);
    let readsBefore = one.reads();
    await receiveCalcomWebhook(one.deps, delivery('2032-05-01T10:00:00.000Z'));
    expect(one.reads() - readsBefore).toBeGreaterThanOrEqual(1);

    const fresh = await givenBooked(one.deps);
    readsBefore = one.reads();
    await receiveCalcomWebhook(one.deps, fresh.delivery('2032-05-01T10:00:00.000Z', { uid: 'another-uid-9' }));
    expect(one.reads() - readsBefore).toBeGreaterThanOrEqual(1);
    expect(await confirmationsOf(bookingId)).toBe(1);
  });
});

import { parseAppendedPayload, appendedPayload } from '../../src/adapters/eventStore/postgres/appendNotifier';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { handleBookingCommand, loadBooking, type KnownBooking } from '../../src/application/bookingRepository';
import { toNewEvent } from '../../src/application/eventEnvelope';
import type { EventStore } from '../../src/application/ports/eventStore';
import { waitForBooking, type WokenBy } from '../../src/application/waitForBooking';
import { bookingStreamId, type BookingEvent } from '../../src/domain';
import { accepted, BOOKING, CALL, delivery, requested } from '../support/bookingFixtures';
import { sqlTargets } from '../support/databases';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';

/**
 * book_appointment's wait starts from the state its own request and Cal.com answer left (`after`) and
 * reads the stream again only once a later append is signalled: a booking answered without waiting
 * (CONFIRMATION_WAIT_MS=0) is read no more, one that waits is read when its webhook lands.
 */
const causation = { correlationId: 'req-wait', causationId: 'req-wait' };
const confirmed = (bookingId: string): BookingEvent => ({
  type: 'BookingConfirmedByWebhook',
  data: { bookingId, callId: CALL, occurredAt: '2025-10-06T09:05:22.500Z', uid: '8Fxv4pCqnb1Jva1w9wn5wX', deliveryId: 'd-1', calcomBookingId: 11489895, via: 'metadata' },
});
const isConfirmed = (state: { status: string }) => state.status === 'confirmed';

/** The store, counting the reads of one booking's stream; `versions: false` drops the versions from its signals (an older instance's NOTIFY). */
const counting = (store: EventStore, bookingId: string, { versions = true } = {}) => {
  let reads = 0;
  const counted: EventStore = {
    ...store,
    readStream: (streamId, options) => {
      if (streamId === bookingStreamId(bookingId)) reads += 1;
      return store.readStream(streamId, options);
    },
    onAppended: (listener) => store.onAppended!((streamId, version, note) => (versions ? listener(streamId, version, note) : listener(streamId))),
  };
  return { store: counted, reads: () => reads };
};

describe.each(sqlTargets)('waitForBooking on %s', (_name, open) => {
  let db: SqlDatabase;
  let store: EventStore;
  let n = 0;
  beforeAll(async () => {
    db = await open();
    store = await createPostgresEventStore(db);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  /** A booking of its own; `after` records its request and Cal.com's acceptance, as book_appointment does, and answers what it left. */
  const givenBooking = () => {
    n += 1;
    const bookingId = `${BOOKING}-wait-${n}`;
    const streamId = bookingStreamId(bookingId);
    const append = (event: BookingEvent, expectedVersion: number) => store.appendToStream(streamId, [toNewEvent(event, causation)], { expectedVersion });
    const recordAndAnswer = async (): Promise<KnownBooking> => {
      await append(requested({ bookingId }), 0);
      await append({ ...accepted(), data: { ...accepted().data, bookingId } } as BookingEvent, 1);
      const { state, version } = await loadBooking(store, bookingId);
      return { state, version };
    };
    return { bookingId, append, recordAndAnswer };
  };

  /** The wait's `after`, and a promise that settles once it has run (no sleep that a slow host outlasts). */
  const announced = <T>(after: () => Promise<T>) => {
    let done!: () => void;
    const ran = new Promise<void>((resolve) => (done = resolve));
    return { after: async () => { const known = await after(); done(); return known; }, ran };
  };

  it('given the request answered and no wait (CONFIRMATION_WAIT_MS=0), when it waits, then it answers the state its own work left without reading the stream', async () => {
    const { bookingId, recordAndAnswer } = givenBooking();
    const { store: counted, reads } = counting(store, bookingId);
    let readsByAfter = 0;
    let wokenBy: WokenBy | undefined;

    const state = await waitForBooking(counted, bookingId, isConfirmed, 0, {
      after: async () => {
        const known = await recordAndAnswer();
        readsByAfter = reads();
        return known;
      },
      onDone: (how) => (wokenBy = how),
    });

    expect(state.status).toBe('awaiting_webhook');
    expect(reads() - readsByAfter).toBe(0);
    expect(wokenBy).toBe('deadline');
  });

  it.each([
    ['signals that name the version', true],
    ['signals without a version (an older instance)', false],
  ])('given the wait listening with %s, when the webhook’s confirmation is appended, then it is woken, reads, and answers confirmed', async (_how, versions) => {
    const { bookingId, append, recordAndAnswer } = givenBooking();
    const { store: counted, reads } = counting(store, bookingId, { versions });
    let wokenBy: WokenBy | undefined;

    const { after, ran } = announced(recordAndAnswer);
    const waiting = waitForBooking(counted, bookingId, isConfirmed, 10_000, { pollMs: 60_000, after, onDone: (how) => (wokenBy = how) });
    await ran; // its request answered, the wait listening (however long a loaded host takes)…
    await new Promise((resolve) => setTimeout(resolve, 100)); // …and the signals of its own appends taken in
    const readsBefore = reads();
    await append(confirmed(bookingId), 2);

    expect((await waiting).status).toBe('confirmed');
    expect(wokenBy).toBe('append');
    expect(reads() - readsBefore).toBeGreaterThanOrEqual(1);
  });

  it('given the webhook decided on this process (handleBookingCommand notes the state its append leaves), when the wait is woken, then it answers confirmed without reading the stream back', async () => {
    const { bookingId, recordAndAnswer } = givenBooking();
    const { store: counted, reads } = counting(store, bookingId);
    let wokenBy: WokenBy | undefined;

    const { after, ran } = announced(recordAndAnswer);
    const waiting = waitForBooking(counted, bookingId, isConfirmed, 10_000, { pollMs: 60_000, after, onDone: (how) => (wokenBy = how) });
    await ran; // its request answered, the wait listening (however long a loaded host takes)…
    await new Promise((resolve) => setTimeout(resolve, 100)); // …and the signals of its own appends taken in
    const readsBefore = reads();
    const known = await loadBooking(store, bookingId); // the webhook's own read, not the wait's
    const now = '2025-10-06T09:05:22.600Z';
    const settled = await handleBookingCommand(store, bookingId, { type: 'RecordWebhook', data: { delivery: delivery({ metadata: { call_id: CALL, booking_ref: bookingId } }), now } }, causation, { known });

    expect(settled.appended.map((e) => e.type)).toEqual(['BookingConfirmedByWebhook']);
    expect(await waiting).toEqual(settled.state);
    expect(wokenBy).toBe('append');
    expect(reads() - readsBefore).toBe(0);
  });

  it('given the confirmation appended after its own answer but before its work returned (the webhook beat the answer home), when it waits, then it reads at once instead of trusting the older state', async () => {
    const { bookingId, append, recordAndAnswer } = givenBooking();
    let wokenBy: WokenBy | undefined;

    const state = await waitForBooking(store, bookingId, isConfirmed, 10_000, {
      pollMs: 60_000,
      after: async () => {
        const known = await recordAndAnswer();
        await append(confirmed(bookingId), known.version);
        return known; // stale by one event
      },
      onDone: (how) => (wokenBy = how),
    });

    expect(state.status).toBe('confirmed');
    expect(wokenBy).toBe('at_once'); // done when first read: nothing waited for a signal or the poll
  });

  it('given no work before the wait, when it waits, then it reads the stream first (as the reschedule does)', async () => {
    const { bookingId, append, recordAndAnswer } = givenBooking();
    await recordAndAnswer();
    await append(confirmed(bookingId), 2);
    const { store: counted, reads } = counting(store, bookingId);
    let wokenBy: WokenBy | undefined;

    const state = await waitForBooking(counted, bookingId, isConfirmed, 10_000, { onDone: (how) => (wokenBy = how) });

    expect(state.status).toBe('confirmed');
    expect(reads()).toBe(1);
    expect(wokenBy).toBe('at_once');
  });
});

describe('the NOTIFY payload of an append', () => {
  it('carries the sender, the stream’s version and the stream id (which may hold spaces), and reads back', () => {
    expect(parseAppendedPayload(appendedPayload('store-a', 'call-with space', 7))).toEqual({ sender: 'store-a', streamId: 'call-with space', version: 7 });
  });

  it('given an older instance’s payload (no version), when parsed, then the stream is named and the version is unknown (the waiter reads)', () => {
    expect(parseAppendedPayload('3b0c4f5e-1d2a-4c3b-9a8e-7f6d5c4b3a21 booking-b-1')).toEqual({ sender: '3b0c4f5e-1d2a-4c3b-9a8e-7f6d5c4b3a21', streamId: 'booking-b-1' });
  });

  it('given an older instance reading this payload (everything after the first space is the stream id), then it still names the stream', () => {
    const payload = appendedPayload('store-a', 'booking-b-1', 3);
    expect(payload.slice(payload.indexOf(' ') + 1)).toBe('booking-b-1');
  });

  it('given a version that is not a number, when parsed, then it is unknown rather than trusted', () => {
    expect(parseAppendedPayload('store-a:x1 booking-b-1').version).toBeUndefined();
    expect(parseAppendedPayload('store-a:99999999999999999999 booking-b-1').version).toBeUndefined();
  });
});

import { decodePgPosition } from '../../src/adapters/eventStore/postgres/positions';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { loadBooking } from '../../src/application/bookingRepository';
import { toNewEvent } from '../../src/application/eventEnvelope';
import type { EventStore, StoredEvent } from '../../src/application/ports/eventStore';
import { recordCalcomAnswer } from '../../src/application/recordCalcomAnswer';
import { claimCalcomUid } from '../../src/application/uidClaims';
import { bookingStreamId, calcomUidStreamId } from '../../src/domain';
import { answer, requested } from '../support/bookingFixtures';
import { openMemoryPglite } from '../support/databases';
import { oneStreamAtATime } from '../support/oneStreamAtATime';

/** Recording Cal.com's answer to our create: the uid claim and the answer, together where the store can. */
const causation = { correlationId: 'req-1', causationId: 'req-1' };
const NOW = '2025-10-06T09:05:21.500Z';
const transactionOf = (event: StoredEvent) => decodePgPosition(event.position).transactionId;

let base: EventStore;
let n = 0;
beforeAll(async () => {
  base = await createPostgresEventStore(await openMemoryPglite(), { ownsDatabase: true });
});
afterAll(() => base.close());

/** Given a requested booking of its own and a uid nobody claimed yet. */
const givenRequested = async (store: EventStore) => {
  n += 1;
  const bookingId = `b-answer-${n}`;
  const uid = `uid-answer-${n}`;
  await store.appendToStream(bookingStreamId(bookingId), [toNewEvent(requested({ bookingId }), causation)], { expectedVersion: 'no_stream' });
  const known = await loadBooking(store, bookingId);
  /** Cal.com's answer with our metadata, or (another caller's booking) with another call's. */
  const record = (ours = true) => {
    const metadata = ours ? { call_id: known.state.callId!, booking_ref: bookingId } : { call_id: 'call_someone_else', booking_ref: 'b-someone-else' };
    return recordCalcomAnswer(store, known, { bookingId, callId: known.state.callId!, answer: answer({ uid, metadata }), looksOurs: ours, now: NOW }, causation);
  };
  const streams = async () => ({ booking: await store.readStream(bookingStreamId(bookingId)), claim: await store.readStream(calcomUidStreamId(uid)) });
  return { bookingId, uid, record, streams };
};

describe.each([
  ['a store that appends to several streams at once', (s: EventStore) => s, true],
  ['a store that appends one stream at a time (EventStoreDB)', oneStreamAtATime, false],
])('recordCalcomAnswer on %s', (_name, variant, together) => {
  const store = () => variant(base);

  it(`claims an answer's free uid and accepts it, ${together ? 'in one transaction, the claim first' : 'the claim first, in a transaction of its own'}`, async () => {
    const given = await givenRequested(store());
    const { appended, state, version } = await given.record();
    const { booking, claim } = await given.streams();
    expect(appended.map((e) => e.type)).toEqual(['CalcomResponded', 'CalcomBookingAccepted']);
    // What it answers is the booking as it left it: the stream's version and state.
    expect(version).toBe(booking.length);
    expect(state.status).toBe('awaiting_webhook');
    expect(claim.map((e) => [e.type, (e.data as { bookingId: string }).bookingId])).toEqual([['CalcomUidClaimed', given.bookingId]]);
    expect(booking.map((e) => e.type)).toEqual(['BookingRequested', 'CalcomResponded', 'CalcomBookingAccepted']);
    expect(claim[0]!.position < booking[1]!.position).toBe(true);
    expect(transactionOf(claim[0]!) === transactionOf(booking[1]!)).toBe(together);
  });

  it('judges an answer whose uid another booking claimed first as a duplicate, and leaves the claim to its owner', async () => {
    const given = await givenRequested(store());
    await claimCalcomUid(base, { uid: given.uid, bookingId: 'b-first-claimant', callId: 'call_first', now: NOW }, causation);
    const { appended, state, version } = await given.record();
    const { booking, claim } = await given.streams();
    expect(appended.map((e) => e.type)).toEqual(['CalcomResponded', 'DuplicateDetected']);
    expect(version).toBe(booking.length);
    expect(state.status).toBe('duplicate');
    expect(claim.map((e) => (e.data as { bookingId: string }).bookingId)).toEqual(['b-first-claimant']);
    expect(booking.map((e) => e.type)).toEqual(['BookingRequested', 'CalcomResponded', 'DuplicateDetected']);
  });

  it("never claims the uid of another caller's booking", async () => {
    const given = await givenRequested(store());
    await given.record(false);
    const { booking, claim } = await given.streams();
    expect(claim).toEqual([]);
    expect(booking.map((e) => e.type)).toContain('DuplicateDetected');
  });
});

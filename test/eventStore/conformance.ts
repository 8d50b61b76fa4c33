import { randomUUID } from 'node:crypto';
import { isConcurrencyError, type EventStore, type NewEvent, type StoredEvent } from '../../src/application/ports/eventStore';

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  type,
  schemaVersion: 1,
  data,
  metadata: { occurredAt: new Date().toISOString(), callId: 'call_conformance' },
});

const settleAll = async <T>(tasks: Promise<T>[]) => {
  const results = await Promise.allSettled(tasks);
  const won = results.filter((r) => r.status === 'fulfilled').length;
  const lost = results.filter((r) => r.status === 'rejected' && isConcurrencyError(r.reason)).length;
  return { won, lost, results };
};

/**
 * Reads forward like a subscriber until `expected` events of ours arrived (or a deadline passed). An
 * unrelated transaction still open elsewhere holds back what readers may see (never skips it), so
 * completeness is checked eventually, while order and uniqueness are checked on everything read.
 */
const readAllAfter = async (store: EventStore, after: string | undefined, belongs: (e: StoredEvent) => boolean, expected: number) => {
  const collected: StoredEvent[] = [];
  let position = after;
  const deadline = Date.now() + 15_000;
  while (collected.length < expected && Date.now() < deadline) {
    const batch = await store.readAll({ after: position, maxCount: 250 });
    if (batch.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    collected.push(...batch.filter(belongs));
    position = batch[batch.length - 1]!.position;
  }
  return collected;
};

/**
 * The behaviour every EventStore adapter must show. Each test uses fresh stream ids, so one store
 * can serve the whole suite and may already hold other events.
 */
export const describeEventStoreConformance = (adapterName: string, open: () => Promise<EventStore>, options: { multiStream: boolean }) => {
  describe(`EventStore conformance: ${adapterName}`, () => {
    let store: EventStore;
    const stream = (prefix = 'booking') => `${prefix}-${randomUUID()}`;

    beforeAll(async () => {
      store = await open();
      process.stdout.write(`[conformance] running against ${adapterName} (${store.name})\n`);
    });
    afterAll(() => store.close());

    it('appends and reads back a stream with versions, metadata and both times', async () => {
      const id = stream();
      const before = Date.now();
      const result = await store.appendToStream(id, [event('A', { n: 1 }), event('B', { n: 2 })], { expectedVersion: 'no_stream' });
      expect(result.nextExpectedVersion).toBe(2);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
        ['A', 1, { n: 1 }],
        ['B', 2, { n: 2 }],
      ]);
      expect(events[0]!.metadata).toMatchObject({ callId: 'call_conformance' });
      expect(events[0]!.schemaVersion).toBe(1);
      expect(events[0]!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5000);
      expect(events[1]!.position).toBe(result.position);
      expect(events[0]!.position < events[1]!.position).toBe(true);
    });

    it('reads a missing stream as empty', async () => {
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('rejects a wrong exact version with a typed conflict naming the actual version', async () => {
      const id = stream();
      await store.appendToStream(id, [event('A')], { expectedVersion: 0 });
      await store.appendToStream(id, [event('B')], { expectedVersion: 1 });
      const error = await store.appendToStream(id, [event('C')], { expectedVersion: 1 }).catch((e: unknown) => e);
      expect(isConcurrencyError(error)).toBe(true);
      expect(error).toMatchObject({ streamId: id, expected: 1, actual: 2 });
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('honours no_stream, stream_exists and any', async () => {
      const id = stream();
      await expect(store.appendToStream(id, [event('A')], { expectedVersion: 'stream_exists' })).rejects.toMatchObject({ actual: undefined });
      await store.appendToStream(id, [event('A')], { expectedVersion: 'no_stream' });
      await expect(store.appendToStream(id, [event('B')], { expectedVersion: 'no_stream' })).rejects.toMatchObject({ actual: 1 });
      await store.appendToStream(id, [event('B')], { expectedVersion: 'stream_exists' });
      const last = await store.appendToStream(id, [event('C')], { expectedVersion: 'any' });
      expect(last.nextExpectedVersion).toBe(3);
    });

    it('appends several events at an exact version and at any, in order, with data as given', async () => {
      const id = stream();
      const created = await store.appendToStream(id, [event('A', { n: 1 })], { expectedVersion: 'any' });
      expect(created.nextExpectedVersion).toBe(1);
      const data = { text: 'Grüße "quoted" \\ back\nslash', nested: { list: [1, null, true] } };
      const three = await store.appendToStream(id, [event('B', data), event('C', { n: 3 }), event('D', { n: 4 })], { expectedVersion: 1 });
      expect(three.nextExpectedVersion).toBe(4);
      const more = await store.appendToStream(id, [event('E'), event('F')], { expectedVersion: 'stream_exists' });
      expect(more.nextExpectedVersion).toBe(6);
      const events = await store.readStream(id);
      expect(events.map((e) => [e.type, e.streamVersion])).toEqual(['A', 'B', 'C', 'D', 'E', 'F'].map((type, i) => [type, i + 1]));
      expect(events[1]!.data).toEqual(data);
      expect(events[3]!.position).toBe(three.position);
      expect(events.every((e, i) => i === 0 || events[i - 1]!.position < e.position)).toBe(true);
    });

    it('lets exactly one of 20 concurrent appends with the same expected version win', async () => {
      const id = stream();
      await store.appendToStream(id, [event('Opened')], { expectedVersion: 'no_stream' });
      const { won, lost } = await settleAll(
        Array.from({ length: 20 }, (_, i) => store.appendToStream(id, [event('Raced', { i })], { expectedVersion: 1 })),
      );
      expect({ won, lost }).toEqual({ won: 1, lost: 19 });
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('lets exactly one of 20 racing claimants take a calcom-uid claim stream', async () => {
      const claim = stream('calcom-uid');
      const { won, lost, results } = await settleAll(
        Array.from({ length: 20 }, (_, i) =>
          store.appendToStream(claim, [event('CalcomUidClaimed', { bookingId: `b${i}` })], { expectedVersion: 'no_stream' }),
        ),
      );
      expect({ won, lost }).toEqual({ won: 1, lost: 19 });
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await store.readStream(claim)).map((e) => e.data)).toEqual([{ bookingId: `b${winner}` }]);
    });

    // EventStoreDB cannot append to several streams atomically: its adapter leaves the method out.
    it(options.multiStream ? 'appends to several streams atomically (appendToStreams)' : 'has no appendToStreams (it cannot append to several streams atomically)', () => {
      expect(typeof store.appendToStreams).toBe(options.multiStream ? 'function' : 'undefined');
    });
    const multiStream = options.multiStream ? it : it.skip;

    multiStream('appends to several streams in one transaction, one result each', async () => {
      const [claim, booking] = [stream('calcom-uid'), stream()];
      await store.appendToStream(booking, [event('Requested')], { expectedVersion: 'no_stream' });
      const results = await store.appendToStreams!([
        { streamId: claim, events: [event('CalcomUidClaimed')], expectedVersion: 'no_stream' },
        { streamId: booking, events: [event('Accepted'), event('Noted')], expectedVersion: 1 },
      ]);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([1, 3]);
      const [claimed, accepted] = [await store.readStream(claim), await store.readStream(booking)];
      expect(claimed.map((e) => e.type)).toEqual(['CalcomUidClaimed']);
      expect(accepted.map((e) => e.type)).toEqual(['Requested', 'Accepted', 'Noted']);
      expect([results[0]!.position, results[1]!.position]).toEqual([claimed[0]!.position, accepted[2]!.position]);
      expect(claimed[0]!.position < accepted[1]!.position).toBe(true);
    });

    multiStream('applies two appends to one stream in one multi-stream append in order, the second at the version the first made', async () => {
      const [delivery, booking] = [stream('calcom-webhook'), stream()];
      await store.appendToStream(booking, [event('Requested')], { expectedVersion: 'no_stream' });
      const results = await store.appendToStreams!([
        { streamId: delivery, events: [event('Received')], expectedVersion: 'no_stream' },
        { streamId: booking, events: [event('Confirmed')], expectedVersion: 1 },
        { streamId: delivery, events: [event('Routed')], expectedVersion: 1 },
      ]);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([1, 2, 2]);
      const [received, routed] = await store.readStream(delivery);
      const confirmed = (await store.readStream(booking))[1]!;
      expect([received!.type, routed!.type]).toEqual(['Received', 'Routed']);
      expect(received!.position < confirmed.position && confirmed.position < routed!.position).toBe(true);
      // The first append's stream existing already refuses the whole of it.
      const again = await store
        .appendToStreams!([
          { streamId: delivery, events: [event('Received')], expectedVersion: 'no_stream' },
          { streamId: booking, events: [event('Confirmed')], expectedVersion: 2 },
        ])
        .catch((e: unknown) => e);
      expect(again).toMatchObject({ streamId: delivery, expected: 'no_stream' });
      expect(await store.readStream(booking)).toHaveLength(2);
    });

    multiStream('writes nothing when any stream of a multi-stream append has another version, naming that stream', async () => {
      const [claim, booking] = [stream('calcom-uid'), stream()];
      await store.appendToStream(booking, [event('Requested'), event('Answered')], { expectedVersion: 'no_stream' });
      const error = await store
        .appendToStreams!([
          { streamId: claim, events: [event('CalcomUidClaimed')], expectedVersion: 'no_stream' },
          { streamId: booking, events: [event('Accepted')], expectedVersion: 1 },
        ])
        .catch((e: unknown) => e);
      expect(isConcurrencyError(error)).toBe(true);
      expect(error).toMatchObject({ streamId: booking, expected: 1, actual: 2 });
      expect(await store.readStream(claim)).toEqual([]);
      expect((await store.readStream(booking)).map((e) => e.type)).toEqual(['Requested', 'Answered']);
      // Every stream refusing: the first one is named.
      const both = await store
        .appendToStreams!([
          { streamId: booking, events: [event('Accepted')], expectedVersion: 'no_stream' },
          { streamId: claim, events: [event('CalcomUidClaimed')], expectedVersion: 'stream_exists' },
        ])
        .catch((e: unknown) => e);
      expect(both).toMatchObject({ streamId: booking, expected: 'no_stream', actual: 2 });
      expect(await store.readStream(claim)).toEqual([]);
    });

    multiStream('lets one of 20 multi-stream appends racing for the same claim win, and only its other streams are written', async () => {
      const claim = stream('calcom-uid');
      const bookings = Array.from({ length: 20 }, () => stream());
      const { won, lost, results } = await settleAll(
        bookings.map((booking) =>
          store.appendToStreams!([
            { streamId: booking, events: [event('Accepted')], expectedVersion: 'no_stream' },
            { streamId: claim, events: [event('CalcomUidClaimed', { booking })], expectedVersion: 'no_stream' },
          ]),
        ),
      );
      expect({ won, lost }).toEqual({ won: 1, lost: 19 });
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ streamId: claim, actual: 1 });
      const winner = bookings[results.findIndex((r) => r.status === 'fulfilled')]!;
      expect((await store.readStream(claim)).map((e) => e.data)).toEqual([{ booking: winner }]);
      const written = await Promise.all(bookings.map(async (b) => (await store.readStream(b)).length));
      expect(written.filter((n) => n > 0)).toEqual([1]);
      expect(written[bookings.indexOf(winner)]).toBe(1);
    });

    it('reads everything once, in one global order, under concurrent writers', async () => {
      const head = await store.headPosition();
      const prefix = `order-${randomUUID()}`;
      const writers = 8;
      const perWriter = 40;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i += 1) {
            await store.appendToStream(`${prefix}-${w}`, [event('Written', { w, i })], { expectedVersion: i });
          }
        }),
      );
      const seen = await readAllAfter(store, head, (e) => e.streamId.startsWith(prefix), writers * perWriter);
      expect(seen).toHaveLength(writers * perWriter);
      expect(new Set(seen.map((e) => e.id)).size).toBe(writers * perWriter);
      for (let k = 1; k < seen.length; k += 1) expect(seen[k - 1]!.position < seen[k]!.position).toBe(true);
      for (let w = 0; w < writers; w += 1) {
        const own = seen.filter((e) => e.streamId === `${prefix}-${w}`).map((e) => (e.data as { i: number }).i);
        expect(own).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
    });

    it('resumes a subscription from a checkpoint without loss or repetition', async () => {
      const id = stream('subscription');
      const mine = (e: StoredEvent) => e.streamId === id;
      const head = await store.headPosition();
      const collect = (after: string | undefined, count: number) =>
        new Promise<StoredEvent[]>((resolve, reject) => {
          const got: StoredEvent[] = [];
          const subscription = store.subscribe({
            after,
            pollIntervalMs: 20,
            onEvent: async (e) => {
              if (!mine(e) || got.length >= count) return;
              got.push(e);
              if (got.length === count) void subscription.stop().then(() => resolve(got), reject);
            },
            onError: reject,
          });
        });

      const firstRead = collect(head, 5);
      for (let i = 0; i < 5; i += 1) await store.appendToStream(id, [event('Tick', { i })], { expectedVersion: i });
      const first = await firstRead;
      const checkpoint = first[first.length - 1]!.position;

      for (let i = 5; i < 10; i += 1) await store.appendToStream(id, [event('Tick', { i })], { expectedVersion: i });
      const second = await collect(checkpoint, 5);
      expect([...first, ...second].map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('stores and reads a stream of 10,000 events', async () => {
      const id = stream('large');
      for (let batch = 0; batch < 20; batch += 1) {
        const events = Array.from({ length: 500 }, (_, i) => event('Bulk', { i: batch * 500 + i }));
        await store.appendToStream(id, events, { expectedVersion: batch * 500 });
      }
      const all = await store.readStream(id);
      expect(all).toHaveLength(10_000);
      expect(all.every((e, i) => e.streamVersion === i + 1 && (e.data as { i: number }).i === i)).toBe(true);
      const tail = await store.readStream(id, { fromVersion: 9_991 });
      expect(tail.map((e) => e.streamVersion)).toEqual(Array.from({ length: 10 }, (_, i) => 9_991 + i));
    });
  });
};

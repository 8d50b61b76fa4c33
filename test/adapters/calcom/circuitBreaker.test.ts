import nock from 'nock';
import { BASE, bookingJson, calError, calInternalError, input, makeClient, setUpNock, sleep, success } from './helpers';

/** One breaker per client, shared by all operations; real timers with a short half-open delay. */
describe('createCalcomHttpClient — circuit breaker', () => {
  setUpNock();

  const options = {
    retry: { maxAttempts: 0, initialDelayMs: 1, maxDelayMs: 5 },
    breaker: { consecutiveFailures: 2, halfOpenAfterMs: 200 },
    timeoutMs: 100,
  };

  it('opens after consecutive transport failures across operations and then sends nothing', async () => {
    nock(BASE).post('/bookings').delay(300).reply(201, success(bookingJson())); // timeout
    nock(BASE).get('/bookings/u').reply(503, {}); // 5xx
    const { client, calls } = makeClient(options);
    expect(await client.createBooking(input)).toMatchObject({ reason: 'timeout' });
    expect(await client.getBooking('u')).toMatchObject({ reason: 'server_error' });
    nock.cleanAll();

    const untouched = [
      nock(BASE).get('/slots').query(true).reply(200, success({})),
      nock(BASE).post('/bookings').reply(201, success(bookingJson())),
      nock(BASE).post('/bookings/u/cancel').reply(200, {}),
    ];
    const results = [
      await client.getSlots({ eventTypeId: 1, start: 'a', end: 'b', timeZone: 'UTC' }),
      await client.createBooking(input),
      await client.cancelBooking('u', 'r'),
    ];

    for (const result of results) expect(result).toMatchObject({ outcome: 'unreachable', reason: 'circuit_open' });
    for (const scope of untouched) expect(scope.isDone()).toBe(false);
    expect(calls.slice(2).map((c) => c.attempts)).toEqual([0, 0, 0]);
    expect(results[0]?.latencyMs).toBeLessThan(10_000); // measured and reported; that no attempt was made is asserted above, not timed
  });

  it('lets a trial call through after halfOpenAfterMs; success closes it', async () => {
    nock(BASE).get('/bookings/u').times(2).reply(500, calInternalError('/v2/bookings/u'));
    const { client } = makeClient(options);
    await client.getBooking('u');
    await client.getBooking('u');
    expect(await client.getBooking('u')).toMatchObject({ reason: 'circuit_open' });

    await sleep(250);
    nock(BASE).get('/bookings/u').reply(200, success(bookingJson({ uid: 'u' })));
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));

    expect(await client.getBooking('u')).toMatchObject({ outcome: 'found' });
    expect(await client.createBooking(input)).toMatchObject({ outcome: 'answered' });
    expect(nock.isDone()).toBe(true);
  });

  it('re-opens when the half-open trial fails', async () => {
    nock(BASE).get('/bookings/u').times(3).reply(502, {});
    const { client } = makeClient(options);
    await client.getBooking('u');
    await client.getBooking('u');

    await sleep(250);
    expect(await client.getBooking('u')).toMatchObject({ reason: 'server_error' });
    nock(BASE).get('/bookings/u').reply(200, success(bookingJson()));
    expect(await client.getBooking('u')).toMatchObject({ reason: 'circuit_open' });
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('does not count 4xx, 429 or readable answers as failures', async () => {
    nock(BASE).post('/bookings').times(2).reply(400, calError('BadRequestException', 'bad'));
    nock(BASE).get('/bookings/u').times(2).reply(429, {});
    nock(BASE).get('/bookings/gone').times(2).reply(404, {});
    nock(BASE).get('/bookings/ok').reply(200, success(bookingJson()));
    const { client } = makeClient(options);

    for (let i = 0; i < 2; i += 1) await client.createBooking(input);
    for (let i = 0; i < 2; i += 1) await client.getBooking('u');
    for (let i = 0; i < 2; i += 1) await client.getBooking('gone');

    expect(await client.getBooking('ok')).toMatchObject({ outcome: 'found' });
    expect(nock.isDone()).toBe(true);
  });

  it('resets the failure count after a success (consecutive, not total)', async () => {
    nock(BASE).get('/bookings/u').reply(503, {});
    nock(BASE).get('/bookings/u').reply(200, success(bookingJson()));
    nock(BASE).get('/bookings/u').reply(503, {});
    nock(BASE).get('/bookings/u').reply(200, success(bookingJson()));
    const { client } = makeClient(options);

    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push((await client.getBooking('u')).outcome);

    expect(outcomes).toEqual(['unreachable', 'found', 'unreachable', 'found']);
  });

  it('keeps breakers separate per client', async () => {
    nock(BASE).get('/bookings/u').times(2).reply(503, {});
    const first = makeClient(options).client;
    await first.getBooking('u');
    await first.getBooking('u');
    nock(BASE).get('/bookings/u').reply(200, success(bookingJson()));

    expect(await makeClient(options).client.getBooking('u')).toMatchObject({ outcome: 'found' });
  });
});

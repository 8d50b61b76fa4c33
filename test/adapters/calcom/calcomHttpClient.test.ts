import net from 'node:net';
import http from 'node:http';
import nock from 'nock';
import { API_KEY, BASE, bookingJson, calError, closedPort, input, makeClient, setUpNock, success } from './helpers';

/** createBooking: request shape, mapping, error mapping and the no-duplicate retry rule. */
describe('createCalcomHttpClient — createBooking', () => {
  setUpNock();

  it('POSTs /bookings with the 2024-08-13 version, bearer key, JSON body and metadata', async () => {
    const scope = nock(BASE)
      .matchHeader('cal-api-version', '2024-08-13')
      .matchHeader('authorization', `Bearer ${API_KEY}`)
      .matchHeader('content-type', /^application\/json/)
      .post('/bookings', {
        start: input.start,
        eventTypeId: 42,
        attendee: { name: 'Ada Lovelace', timeZone: 'Europe/Berlin', email: 'ada@example.com', phoneNumber: '+4915112345678', language: 'de' },
        metadata: { callId: 'call_123', bookingRequestId: 'req_abc' },
      })
      .reply(201, success(bookingJson()));
    const { client, calls } = makeClient();

    const result = await client.createBooking(input);

    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({
      outcome: 'answered',
      httpStatus: 201,
      latencyMs: expect.any(Number),
      booking: {
        id: 9001,
        uid: 'bk_uid_1',
        status: 'accepted',
        start: '2050-09-05T07:00:00.000Z',
        end: '2050-09-05T07:30:00.000Z',
        createdAt: '2050-09-01T10:00:00.000Z',
        eventTypeId: 42,
        metadata: { callId: 'call_123', bookingRequestId: 'req_abc' },
        attendees: [{ name: 'Ada Lovelace', email: 'ada@example.com', phoneNumber: '+4915112345678', timeZone: 'Europe/Berlin' }],
      },
    });
    expect(calls).toEqual([{ operation: 'create', outcome: 'answered', httpStatus: 201, latencyMs: expect.any(Number), attempts: 1 }]);
  });

  it('omits Authorization without an apiKey and omits absent attendee fields', async () => {
    const scope = nock(BASE, { badheaders: ['authorization'] })
      .post('/bookings', (body: { attendee: Record<string, unknown> }) => {
        return JSON.stringify(body.attendee) === JSON.stringify({ name: 'Bo', timeZone: 'UTC', phoneNumber: '+4915112345678' });
      })
      .reply(201, success(bookingJson()));
    const { client } = makeClient({ apiKey: undefined });

    const result = await client.createBooking({ ...input, attendee: { name: 'Bo', timeZone: 'UTC', phoneNumber: '+4915112345678' } });

    expect(result.outcome).toBe('answered');
    expect(scope.isDone()).toBe(true);
  });

  it('accepts any 2xx and maps status case, eventType.id, metadata coercion and recurring arrays', async () => {
    const recurring = [
      bookingJson({
        uid: 'rec_1',
        status: 'PENDING',
        eventTypeId: undefined,
        eventType: { id: 77, slug: 'x' },
        metadata: { s: 'x', n: 5, b: true, o: { nested: 1 }, z: null },
        attendees: [{ name: 'Hidden' }, 'junk'],
      }),
      bookingJson({ uid: 'rec_2' }),
    ];
    nock(BASE).post('/bookings').reply(200, success(recurring));
    const { client } = makeClient();

    const result = await client.createBooking(input);

    if (result.outcome !== 'answered') throw new Error(`unexpected ${result.outcome}`);
    expect(result.httpStatus).toBe(200);
    expect(result.booking).toMatchObject({ uid: 'rec_1', status: 'pending', eventTypeId: 77 });
    expect(result.booking.metadata).toEqual({ s: 'x', n: '5', b: 'true' });
    expect(result.booking.attendees).toEqual([{ name: 'Hidden' }]);
  });

  it('reports a stale existing booking (old createdAt, foreign metadata) as plainly answered', async () => {
    const stale = bookingJson({ uid: 'old_uid', id: 17, createdAt: '2050-08-01T08:00:00.000Z', metadata: { callId: 'call_OTHER' } });
    nock(BASE).post('/bookings').reply(201, success(stale));
    const { client } = makeClient();

    const result = await client.createBooking(input);

    expect(result).toMatchObject({
      outcome: 'answered',
      httpStatus: 201,
      booking: { id: 17, uid: 'old_uid', createdAt: '2050-08-01T08:00:00.000Z', metadata: { callId: 'call_OTHER' } },
    });
  });

  it('maps the 400 slot-taken envelope to rejected with code and message, without retrying', async () => {
    const message = 'User either already has booking at this time or is not available';
    nock(BASE).post('/bookings').times(2).reply(400, calError('BadRequestException', message));
    const { client } = makeClient();

    const result = await client.createBooking(input);

    expect(result).toEqual({ outcome: 'rejected', httpStatus: 400, code: 'BadRequestException', message, latencyMs: expect.any(Number) });
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('falls back to body.message, then the status text, for non-envelope 4xx bodies', async () => {
    nock(BASE).post('/bookings').reply(409, { statusCode: 409, message: ['booking_conflict', 'again'] });
    nock(BASE).post('/bookings').reply(422, '');
    const { client } = makeClient();

    expect(await client.createBooking(input)).toMatchObject({ outcome: 'rejected', httpStatus: 409, message: 'booking_conflict; again' });
    const second = await client.createBooking(input);
    expect(second).toMatchObject({ outcome: 'rejected', httpStatus: 422, message: 'Unprocessable Entity' });
    expect(second).not.toHaveProperty('code');
  });

  it.each([500, 502, 503])('sends exactly one POST on HTTP %i → unreachable/server_error', async (status) => {
    nock(BASE).post('/bookings').times(3).reply(status, calError('InternalServerErrorException', 'boom'));
    const { client, calls } = makeClient();

    const result = await client.createBooking(input);

    expect(result).toMatchObject({ outcome: 'unreachable', reason: 'server_error', httpStatus: status });
    expect(nock.pendingMocks()).toHaveLength(1); // 3 offered, 1 consumed → 2 left in one interceptor
    expect(calls[0]).toMatchObject({ attempts: 1, reason: 'server_error' });
  });

  it('sends exactly one POST when the answer is too slow → unreachable/timeout', async () => {
    // Cal.com would answer after 10 s; the client gives up at 100 ms (a wide gap: a loaded machine's late timers cannot close it).
    nock(BASE).post('/bookings').times(2).delay(10_000).reply(201, success(bookingJson()));
    const { client, calls } = makeClient({ timeoutMs: 100 });

    const result = await client.createBooking(input);

    expect(result).toMatchObject({ outcome: 'unreachable', reason: 'timeout' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(90);
    expect(result.latencyMs).toBeLessThan(10_000);
    expect(nock.pendingMocks()).toHaveLength(1);
    expect(calls[0]).toMatchObject({ attempts: 1, outcome: 'unreachable', reason: 'timeout' });
  });

  it('does not retry a reset connection (the request may have been processed)', async () => {
    // A real server that accepts the request and drops the connection without answering.
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.once('data', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const { client, calls } = makeClient({ baseUrl: `http://127.0.0.1:${port}/v2` });
      const result = await client.createBooking(input);
      expect(result).toMatchObject({ outcome: 'unreachable', reason: 'network' });
      expect(result).toHaveProperty('message', 'could not reach Cal.com (ECONNRESET)');
      expect(calls[0]?.attempts).toBe(1);
      expect(connections).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['an empty data object', success({})],
    ['a plain-text body', 'OK'],
    ['a booking without uid', success(bookingJson({ uid: undefined }))],
  ])('treats a 2xx with %s as unreachable/server_error, once', async (_label, body) => {
    nock(BASE).post('/bookings').times(2).reply(201, body as nock.Body);
    const { client } = makeClient();

    const result = await client.createBooking(input);

    expect(result).toMatchObject({ outcome: 'unreachable', reason: 'server_error', httpStatus: 201 });
    expect(result).toHaveProperty('message', expect.stringContaining('outcome unknown'));
    expect(nock.pendingMocks()).toHaveLength(1);
  });

  it('retries after 429 (provably unprocessed): 429 then 201 → two POSTs, answered', async () => {
    nock(BASE).post('/bookings').reply(429, calError('ThrottlerException', 'Too many requests. Please try again later.'));
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));
    const { client, calls } = makeClient();

    const result = await client.createBooking(input);

    expect(result).toMatchObject({ outcome: 'answered', httpStatus: 201 });
    expect(nock.isDone()).toBe(true);
    expect(calls[0]).toMatchObject({ attempts: 2, outcome: 'answered' });
  });

  it('gives up on persistent 429 after maxAttempts retries → unreachable/rate_limited', async () => {
    nock(BASE).post('/bookings').times(4).reply(429, calError('ThrottlerException', 'Too many requests.'));
    const { client } = makeClient({ retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 10 } });

    const result = await client.createBooking(input);

    expect(result).toMatchObject({ outcome: 'unreachable', reason: 'rate_limited', httpStatus: 429 });
    expect(nock.pendingMocks()).toHaveLength(1); // 4 offered, 3 consumed
  });

  it('honours Retry-After seconds before retrying a 429', async () => {
    nock(BASE).post('/bookings').reply(429, {}, { 'Retry-After': '1' });
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));
    const { client } = makeClient({ retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 5000 } });

    const result = await client.createBooking(input);

    expect(result.outcome).toBe('answered');
    expect(result.latencyMs).toBeGreaterThanOrEqual(990);
    expect(nock.isDone()).toBe(true);
  });

  it('uses X-RateLimit-Reset-Default when there is no Retry-After', async () => {
    nock(BASE).post('/bookings').reply(429, {}, { 'X-RateLimit-Reset-Default': '1' });
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));
    const { client } = makeClient({ retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 5000 } });

    const result = await client.createBooking(input);

    expect(result.outcome).toBe('answered');
    expect(result.latencyMs).toBeGreaterThanOrEqual(990);
  });

  it('caps a long Retry-After at retry.maxDelayMs', async () => {
    nock(BASE).post('/bookings').reply(429, {}, { 'Retry-After': '60' });
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));
    const { client } = makeClient({ retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 150 } });

    const result = await client.createBooking(input);

    expect(result.outcome).toBe('answered');
    expect(result.latencyMs).toBeGreaterThanOrEqual(140);
    expect(result.latencyMs).toBeLessThan(30_000); // capped, not the 60 s asked for (a wide gap: a loaded machine's late timers cannot close it)
  });

  it('retries a refused connection and returns unreachable/network when it stays refused', async () => {
    const port = await closedPort();
    const { client, calls } = makeClient({ baseUrl: `http://127.0.0.1:${port}/v2` });

    const result = await client.createBooking(input);

    expect(result).toMatchObject({ outcome: 'unreachable', reason: 'network', message: 'could not reach Cal.com (ECONNREFUSED)' });
    expect(calls[0]).toMatchObject({ attempts: 3, reason: 'network' });
  });

  it('books once when Cal.com starts accepting connections after a refusal', async () => {
    const port = await closedPort();
    let posts = 0;
    const server = http.createServer((req, res) => {
      posts += 1;
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(success(bookingJson())));
    });
    const { client, calls } = makeClient({
      baseUrl: `http://127.0.0.1:${port}/v2`,
      retry: { maxAttempts: 100, initialDelayMs: 5, maxDelayMs: 20 },
    });
    try {
      const pending = client.createBooking(input);
      setTimeout(() => server.listen(port, '127.0.0.1'), 30);
      const result = await pending;

      expect(result).toMatchObject({ outcome: 'answered', httpStatus: 201 });
      expect(posts).toBe(1);
      expect(calls[0]?.attempts).toBeGreaterThan(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never logs and never passes attendee data to onCall', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));
    nock(BASE).post('/bookings').reply(400, calError('BadRequestException', 'nope'));
    nock(BASE).post('/bookings').reply(503, 'down');
    const { client, calls } = makeClient();
    try {
      for (let i = 0; i < 3; i += 1) await client.createBooking(input);

      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      const reported = JSON.stringify(calls);
      for (const secret of ['Ada', 'ada@example.com', '+4915112345678', API_KEY]) expect(reported).not.toContain(secret);
      expect(calls.map((c) => c.outcome)).toEqual(['answered', 'rejected', 'unreachable']);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('survives an onCall hook that throws', async () => {
    nock(BASE).post('/bookings').reply(201, success(bookingJson()));
    const { client } = makeClient({
      onCall: () => {
        throw new Error('metrics down');
      },
    });

    await expect(client.createBooking(input)).resolves.toMatchObject({ outcome: 'answered' });
  });
});

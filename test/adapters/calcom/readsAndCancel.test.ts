import nock from 'nock';
import { API_KEY, BASE, bookingJson, calError, calInternalError, closedPort, makeClient, setUpNock, success } from './helpers';

/** getBooking, getSlots (safe to retry) and cancelBooking (conservative write retry). */
describe('createCalcomHttpClient — reads and cancel', () => {
  setUpNock();

  describe('getBooking', () => {
    it('GETs /bookings/{uid} URL-encoded with the 2024-08-13 version and maps the booking', async () => {
      const scope = nock(BASE)
        .matchHeader('cal-api-version', '2024-08-13')
        .matchHeader('authorization', `Bearer ${API_KEY}`)
        .get('/bookings/a%20b%2Fc%3F')
        .reply(200, success(bookingJson({ uid: 'a b/c?', status: 'CANCELLED' })));
      const { client, calls } = makeClient();

      const result = await client.getBooking('a b/c?');

      expect(scope.isDone()).toBe(true);
      expect(result).toMatchObject({ outcome: 'found', booking: { uid: 'a b/c?', status: 'cancelled', id: 9001 } });
      expect(calls).toEqual([{ operation: 'get', outcome: 'found', latencyMs: expect.any(Number), attempts: 1 }]);
    });

    it('takes the first recurrence when data is an array', async () => {
      nock(BASE).get('/bookings/rec').reply(200, success([bookingJson({ uid: 'r1' }), bookingJson({ uid: 'r2' })]));
      const { client } = makeClient();

      expect(await client.getBooking('rec')).toMatchObject({ outcome: 'found', booking: { uid: 'r1' } });
    });

    it('maps 404 to not_found without retrying', async () => {
      nock(BASE).get('/bookings/nope').times(2).reply(404, calError('NotFoundException', 'Booking with uid=nope was not found in the database'));
      const { client } = makeClient();

      expect(await client.getBooking('nope')).toEqual({ outcome: 'not_found', latencyMs: expect.any(Number) });
      expect(nock.pendingMocks()).toHaveLength(1);
    });

    it('maps other 4xx to rejected without retrying', async () => {
      nock(BASE).get('/bookings/x').times(2).reply(401, calError('UnauthorizedException', 'Invalid API key'));
      const { client } = makeClient();

      expect(await client.getBooking('x')).toMatchObject({ outcome: 'rejected', httpStatus: 401, code: 'UnauthorizedException', message: 'Invalid API key' });
      expect(nock.pendingMocks()).toHaveLength(1);
    });

    it('retries 5xx and 429, then succeeds', async () => {
      nock(BASE).get('/bookings/u').reply(503, 'busy');
      nock(BASE).get('/bookings/u').reply(429, {});
      nock(BASE).get('/bookings/u').reply(200, success(bookingJson({ uid: 'u' })));
      const { client, calls } = makeClient();

      expect(await client.getBooking('u')).toMatchObject({ outcome: 'found', booking: { uid: 'u' } });
      expect(nock.isDone()).toBe(true);
      expect(calls[0]?.attempts).toBe(3);
    });

    it('retries timeouts, then succeeds; latency covers all attempts', async () => {
      nock(BASE).get('/bookings/slow').delay(400).reply(200, success(bookingJson()));
      nock(BASE).get('/bookings/slow').reply(200, success(bookingJson({ uid: 'slow' })));
      const { client, calls } = makeClient({ timeoutMs: 100 });

      const result = await client.getBooking('slow');

      expect(result).toMatchObject({ outcome: 'found', booking: { uid: 'slow' } });
      expect(result.latencyMs).toBeGreaterThanOrEqual(90);
      expect(calls[0]?.attempts).toBe(2);
    });

    it('gives up after maxAttempts retries of 5xx → unreachable/server_error', async () => {
      nock(BASE).get('/bookings/u').times(3).reply(502, 'bad gateway');
      const { client } = makeClient();

      expect(await client.getBooking('u')).toMatchObject({ outcome: 'unreachable', reason: 'server_error', httpStatus: 502 });
      expect(nock.isDone()).toBe(true);
    });

    it('retries refused connections (attempts = 1 + maxAttempts)', async () => {
      const port = await closedPort();
      const { client, calls } = makeClient({ baseUrl: `http://127.0.0.1:${port}/v2` });

      expect(await client.getBooking('u')).toMatchObject({ outcome: 'unreachable', reason: 'network' });
      expect(calls[0]?.attempts).toBe(3);
    });

    it('treats a 200 without a booking as unreachable/server_error', async () => {
      nock(BASE).get('/bookings/u').reply(200, success(null));
      const { client } = makeClient();

      expect(await client.getBooking('u')).toMatchObject({ outcome: 'unreachable', reason: 'server_error', httpStatus: 200 });
    });
  });

  describe('getSlots', () => {
    it('GETs /slots with query and the 2024-09-04 version; flattens to sorted UTC instants', async () => {
      const scope = nock(BASE)
        .matchHeader('cal-api-version', '2024-09-04')
        .get('/slots')
        .query({ eventTypeId: '42', start: '2050-09-05T00:00:00Z', end: '2050-09-06T23:59:59Z', timeZone: 'Europe/Berlin' })
        .reply(200, success({
          '2050-09-06': [{ start: '2050-09-06T09:00:00.000+02:00' }],
          '2050-09-05': [
            { start: '2050-09-05T10:00:00.000+02:00', end: '2050-09-05T10:30:00.000+02:00' },
            { start: '2050-09-05T09:00:00.000+02:00' },
            { start: 'not a date' },
          ],
        }));
      const { client } = makeClient();

      const result = await client.getSlots({ eventTypeId: 42, start: '2050-09-05T00:00:00Z', end: '2050-09-06T23:59:59Z', timeZone: 'Europe/Berlin' });

      expect(scope.isDone()).toBe(true);
      expect(result).toEqual({
        outcome: 'ok',
        slots: ['2050-09-05T07:00:00.000Z', '2050-09-05T08:00:00.000Z', '2050-09-06T07:00:00.000Z'],
        latencyMs: expect.any(Number),
      });
    });

    it('returns an empty list for data {}', async () => {
      nock(BASE).get('/slots').query(true).reply(200, success({}));
      const { client } = makeClient();

      expect(await client.getSlots({ eventTypeId: 1, start: 'a', end: 'b', timeZone: 'UTC' })).toMatchObject({ outcome: 'ok', slots: [] });
    });

    it('retries a 500 then answers', async () => {
      nock(BASE).get('/slots').query(true).reply(500, calInternalError('/v2/slots'));
      nock(BASE).get('/slots').query(true).reply(200, success({ '2050-01-01': [{ start: '2050-01-01T10:00:00Z' }] }));
      const { client } = makeClient();

      expect(await client.getSlots({ eventTypeId: 1, start: 'a', end: 'b', timeZone: 'UTC' })).toMatchObject({
        outcome: 'ok',
        slots: ['2050-01-01T10:00:00.000Z'],
      });
      expect(nock.isDone()).toBe(true);
    });

    it('maps a 400 to rejected', async () => {
      nock(BASE).get('/slots').query(true).reply(400, calError('BadRequestException', 'start must be a valid ISO 8601 date'));
      const { client } = makeClient();

      expect(await client.getSlots({ eventTypeId: 1, start: 'x', end: 'y', timeZone: 'UTC' })).toMatchObject({
        outcome: 'rejected',
        httpStatus: 400,
        message: 'start must be a valid ISO 8601 date',
      });
    });
  });

  describe('cancelBooking', () => {
    it('POSTs /bookings/{uid}/cancel with the reason; 200 → cancelled', async () => {
      const scope = nock(BASE)
        .matchHeader('cal-api-version', '2024-08-13')
        .matchHeader('authorization', `Bearer ${API_KEY}`)
        .post('/bookings/bk%2F1/cancel', { cancellationReason: 'caller changed plans' })
        .reply(200, success(bookingJson({ status: 'cancelled' })));
      const { client, calls } = makeClient();

      expect(await client.cancelBooking('bk/1', 'caller changed plans')).toEqual({ outcome: 'cancelled', latencyMs: expect.any(Number) });
      expect(scope.isDone()).toBe(true);
      expect(calls[0]).toMatchObject({ operation: 'cancel', outcome: 'cancelled' });
    });

    it('maps 404 to rejected', async () => {
      nock(BASE).post('/bookings/9001/cancel').reply(404, calError('NotFoundException', 'Booking with uid=9001 was not found'));
      const { client } = makeClient();

      expect(await client.cancelBooking('9001', 'r')).toMatchObject({ outcome: 'rejected', httpStatus: 404, code: 'NotFoundException' });
    });

    it('does not retry 5xx or timeouts (one POST each)', async () => {
      nock(BASE).post('/bookings/u/cancel').times(2).reply(503, {});
      const { client } = makeClient({ timeoutMs: 100 });
      expect(await client.cancelBooking('u', 'r')).toMatchObject({ outcome: 'unreachable', reason: 'server_error', httpStatus: 503 });
      expect(nock.pendingMocks()).toHaveLength(1);
      nock.cleanAll();

      nock(BASE).post('/bookings/u/cancel').times(2).delay(400).reply(200, {});
      expect(await client.cancelBooking('u', 'r')).toMatchObject({ outcome: 'unreachable', reason: 'timeout' });
      expect(nock.pendingMocks()).toHaveLength(1);
    });

    it('retries a 429 once it is over', async () => {
      nock(BASE).post('/bookings/u/cancel').reply(429, {}, { 'Retry-After': '0' });
      nock(BASE).post('/bookings/u/cancel').reply(200, success({}));
      const { client, calls } = makeClient();

      expect(await client.cancelBooking('u', 'r')).toMatchObject({ outcome: 'cancelled' });
      expect(nock.isDone()).toBe(true);
      expect(calls[0]?.attempts).toBe(2);
    });
  });
});

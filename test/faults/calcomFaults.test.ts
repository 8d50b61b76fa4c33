import net from 'node:net';
import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates, interceptSlots, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { CALCOM_BASE, startTestService, type TestService } from '../support/testService';
import { rateLimited } from '../fixtures/calcom/apiAnswers';

let n = 0;
const book = (t: TestService, callId = `call_fault_${(n += 1)}`) =>
  t.callFunction('book_appointment', { call: { call_id: callId }, args: { date: '2031-04-07', time: `${8 + (n % 9)}:00`, name: 'Fault Caller' } });

const closedPort = async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('Cal.com faults: bounded retries, an honest answer, never a false "confirmed"', () => {
  let t: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '100', CALCOM_TIMEOUT_MS: '1500', CALCOM_BREAKER_FAILURES: '3', CALCOM_BREAKER_HALF_OPEN_MS: '1500' } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => t.stop());

  it('answers pending (not booked, not free) when Cal.com times out after creating the booking, and lets the late webhook confirm', async () => {
    let created: CalcomBookingJson | undefined;
    const seen = interceptCreates(async (request) => {
      created = freshBooking(request);
      await new Promise((r) => setTimeout(r, 3000)); // longer than CALCOM_TIMEOUT_MS (1.5 s, which the other answers here must stay inside on a loaded host)
      return [201, { status: 'success', data: created }];
    });
    const callId = `call_fault_timeout_${Date.now()}`;
    const first = await book(t, callId);
    expect(first.json).toMatchObject({ success: false, status: 'pending', booking_status: 'failed' });
    const retry = await book(t, callId);
    expect(retry.json.status).toBe('pending');
    expect(seen).toHaveLength(1); // a timed-out POST is never sent again: it may have booked
    await t.sendWebhook(webhookFor(created!));
    expect((await book(t, callId)).json.status).toBe('confirmed');
  });

  const searchAnswers = (data: unknown[] = []) => {
    const asked: string[] = [];
    nock(CALCOM_BASE)
      .get('/v2/bookings')
      .query((q) => (asked.push(new URLSearchParams(q as Record<string, string>).toString()), true))
      .reply(200, { status: 'success', data, pagination: { totalItems: data.length } });
    return asked;
  };

  it('answers pending on a 5xx after one POST, having asked Cal.com whether it holds the booking (it does not)', async () => {
    const seen = interceptCreates(() => [502, 'bad gateway']);
    const asked = searchAnswers([]);
    const answer = await book(t);
    expect(answer.json).toMatchObject({ status: 'pending', booking_status: 'failed' });
    expect(seen).toHaveLength(1);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/attendeeEmail=call-call_fault_\d+%40calls\.booking-ledger\.invalid&eventTypeId=2563193&afterStart=/);
    const events = (await t.get(`/bookings/${answer.json.booking_id}/events`)).json.events.map((e: { type: string; data: { outcome?: string } }) => [e.type, e.data.outcome]);
    expect(events).toEqual([['BookingRequested', undefined], ['CalcomRequestFailed', undefined], ['CalcomBookingSearched', 'none']]);
  });

  it('takes the booking Cal.com holds with our booking_ref after a 500 (its own race), without posting again', async () => {
    let created: CalcomBookingJson | undefined;
    const seen = interceptCreates((request) => {
      created = freshBooking(request);
      return [500, { statusCode: 500, message: 'Internal server error' }];
    });
    nock(CALCOM_BASE).get('/v2/bookings').query(true).reply(200, () => ({ status: 'success', data: [created] }));
    const callId = `call_fault_500_${Date.now()}`;
    const answer = await book(t, callId);
    expect(answer.json).toMatchObject({ status: 'pending', booking_status: 'awaiting_webhook' });
    expect((await book(t, callId)).json.booking_status).toBe('awaiting_webhook');
    expect(seen).toHaveLength(1);
    await t.sendWebhook(webhookFor(created!));
    expect((await book(t, callId)).json.status).toBe('confirmed');
  });

  it('answers slot_unavailable with alternatives after a 409 conflict when Cal.com holds nothing of ours', async () => {
    interceptCreates(() => [409, { statusCode: 409, message: 'booking_conflict_error' }]);
    searchAnswers([]);
    interceptSlots(['2031-04-07T12:00:00.000Z']);
    const answer = await book(t);
    expect(answer.json).toMatchObject({ status: 'slot_unavailable', booking_status: 'slot_unavailable', alternatives: [{ date: '2031-04-07', time: '14:00' }] });
  });

  it('waits out a 429 and books on the retry', async () => {
    nock(CALCOM_BASE).post('/v2/bookings').reply(429, { status: 'error' }, { 'Retry-After': '0' });
    const seen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    expect((await book(t)).json).toMatchObject({ status: 'pending', booking_status: 'awaiting_webhook' });
    expect(seen).toHaveLength(1);
  });

  it('waits out Cal.com\'s own 429 as its throttler sends it (X-RateLimit-Reset-Default, no Retry-After) and books', async () => {
    const limited = rateLimited({ rateLimitReset: 0, rateLimitRemaining: 0 });
    expect(limited.headers).not.toHaveProperty('retry-after');
    nock(CALCOM_BASE).post('/v2/bookings').reply(limited.status, limited.body as object, limited.headers);
    const seen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    expect((await book(t)).json).toMatchObject({ status: 'pending', booking_status: 'awaiting_webhook' });
    expect(seen).toHaveLength(1);
  });

  it('says error (nothing booked, retryable) when Cal.com refuses connections', async () => {
    const refusing = await startTestService(openMemoryPglite, { env: { CALCOM_API_URL: `http://127.0.0.1:${await closedPort()}/v2`, CONFIRMATION_WAIT_MS: '100' } });
    try {
      const down = await refusing.callFunction('book_appointment', { call: { call_id: 'call_refused' }, args: { date: '2031-04-08', time: '09:00', name: 'R' } });
      expect(down.json).toMatchObject({ success: false, status: 'error', retryable: true, booking_status: 'failed' });
      expect(down.json.message).toMatch(/nicht gebucht/);
    } finally {
      await refusing.stop();
    }
  });

  it('opens the circuit after consecutive failures (no more requests), and closes it once Cal.com answers again', async () => {
    // Cal.com is down: the create fails, and so does the search that follows it (three failures in a row).
    const failing = nock(CALCOM_BASE).post('/v2/bookings').reply(503, 'unavailable').get('/v2/bookings').query(true).times(2).reply(503, 'unavailable');
    expect((await book(t)).json.status).toBe('pending');
    expect(failing.isDone()).toBe(true);

    const whileOpen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    const open = await book(t);
    expect(open.json).toMatchObject({ status: 'error', booking_status: 'failed', retryable: true });
    expect(whileOpen).toHaveLength(0); // failed fast, Cal.com untouched

    await new Promise((r) => setTimeout(r, 1600)); // half-open (1.5 s: the booking that found it open, however slow, came well inside it)
    const callId = `call_after_breaker_${Date.now()}`;
    expect((await book(t, callId)).json).toMatchObject({ status: 'pending', booking_status: 'awaiting_webhook' });
    expect(whileOpen).toHaveLength(1);
  });

  it('lets the same call try again after the circuit was open: nothing had reached Cal.com', async () => {
    nock(CALCOM_BASE).post('/v2/bookings').reply(500, 'boom').get('/v2/bookings').query(true).times(2).reply(500, 'boom');
    await book(t);
    const callId = `call_retry_after_open_${Date.now()}`;
    expect((await book(t, callId)).json.status).toBe('error'); // circuit open
    await new Promise((r) => setTimeout(r, 1600));
    const seen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    interceptSlots([]);
    const again = await book(t, callId);
    expect(again.json).toMatchObject({ status: 'pending', booking_status: 'awaiting_webhook' });
    expect(seen).toHaveLength(1);
    const events = (await t.get(`/bookings/${again.json.booking_id}/events`)).json.events.map((e: { type: string }) => e.type);
    expect(events).toEqual(['BookingRequested', 'CalcomRequestFailed', 'BookingRequested', 'CalcomResponded', 'CalcomBookingAccepted']);
  });
});

import nock from 'nock';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { createdBooking, slots } from '../fixtures/calcom/apiAnswers';
import { sqlTargets } from '../support/databases';
import { CALCOM_BASE, startTestService, type TestService } from '../support/testService';
import { bookingFrom, type SentCreate } from './support/calcomStandIn';

/**
 * Cal.com allows about 120 requests a minute per API key, and bursts have locked accounts for days: every
 * call takes a token from one bucket per key, shared by all instances on PostgreSQL; without one nothing is sent and the
 * caller hears the truth at once. Free slots are cached briefly; a booked slot leaves the cache at once.
 */
describe.each(sqlTargets)('the Cal.com request budget (%s)', (name, openDb) => {
  let shared: SqlDatabase;
  let a: TestService;
  let b: TestService;
  const sent: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock(CALCOM_BASE)
      .persist()
      .post('/v2/bookings')
      .reply((_uri, body) => {
        sent.push('create');
        const answer = createdBooking(bookingFrom(body as SentCreate));
        return [answer.status, JSON.stringify(answer.body), answer.headers];
      })
      .post(/^\/v2\/bookings\/[^/]+\/cancel$/)
      .reply(() => {
        sent.push('cancel');
        return [500, '{}'];
      })
      .get(/^\/v2\/bookings\/[^/?]+$/)
      .reply(() => {
        sent.push('lookup');
        return [500, '{}'];
      })
      .get('/v2/slots')
      .query(true)
      .reply(() => {
        sent.push('slots');
        const answer = slots({ '2031-10-01': ['2031-10-01T08:00:00.000Z', '2031-10-01T09:00:00.000Z'] }, 'Europe/Berlin');
        return [answer.status, JSON.stringify(answer.body), answer.headers];
      });
    shared = await openDb();
    const keepOpen = async () => ({ ...shared, close: async () => undefined });
    // Two instances, one bucket: 4 tokens, refilled far too slowly to matter during the test. PGlite's
    // database belongs to one process, whose bucket is counted in it: there `b` is `a`.
    const env = { CALCOM_RATE_LIMIT_PER_MINUTE: '0.001', CALCOM_RATE_LIMIT_BURST: '4', CALCOM_SLOTS_CACHE_MS: '60000', CONFIRMATION_WAIT_MS: '0' };
    a = await startTestService(keepOpen, { env });
    b = name === 'PGlite' ? a : await startTestService(keepOpen, { env });
  });
  afterAll(async () => {
    if (b !== a) await b.stop();
    await a.stop();
    await shared.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const availability = (t: TestService) => t.callFunction('check_availability', { call: { call_id: 'call_rl' }, args: { date: '2031-10-01' } });
  const book = (t: TestService, i: number) => t.callFunction('book_appointment', { call: { call_id: `call_rl_${i}` }, args: { date: '2031-10-01', time: '10:00', name: 'R' } });

  it('serves repeated slot questions from the cache, and drops a slot once it is booked', async () => {
    expect((await availability(a)).json.alternatives.map((s: { time: string }) => s.time)).toEqual(['10:00', '11:00']);
    expect((await availability(a)).json.alternatives).toHaveLength(2);
    expect(sent.filter((s) => s === 'slots')).toHaveLength(1); // the second answer came from the cache
    expect((await book(a, 1)).json.status).toBe('pending');
    expect((await availability(a)).json.alternatives.map((s: { time: string }) => s.time)).toEqual(['11:00']);
  });

  it('answers at once and truthfully when the budget is used up, sends nothing, and counts it; both instances share the bucket (on PostgreSQL)', async () => {
    // Tokens: 4 - slots - create = 2 left (on the other instance too). Creates may use the last ones.
    const second = (await book(b, 2)).json;
    expect(second.status).toBe('pending');
    expect((await book(a, 3)).json.status).toBe('pending');
    const started = Date.now();
    const throttled = await book(b, 4);
    expect(Date.now() - started).toBeLessThan(20_000); // at once: the bucket refills one token in 1,000 minutes; load cannot stretch an answer this far
    expect(throttled.json).toMatchObject({ status: 'error', retryable: true, message: 'Der Kalender ist gerade ausgelastet. Der Termin ist nicht gebucht. Bitte versuchen Sie es in einer Minute noch einmal.' });
    expect(sent.filter((s) => s === 'create')).toHaveLength(3);
    const metrics = await b.get('/metrics', { token: null, accept: 'text/plain' });
    expect(metrics.text).toMatch(/booking_ledger_calcom_throttled_total\{operation="create"\} 1/);
    expect(metrics.text).toMatch(/booking_ledger_calcom_rate_limit_tokens 0(\.\d+)?\n/);
    // Reads leave the last token for writes: availability is refused (calendar unreachable), nothing sent.
    const slotsBefore = sent.filter((s) => s === 'slots').length;
    expect((await a.callFunction('check_availability', { call: { call_id: 'call_rl' }, args: { date: '2031-10-02' } })).json).toMatchObject({ status: 'error', retryable: true });
    expect(sent.filter((s) => s === 'slots')).toHaveLength(slotsBefore);
    // The same call trying again: nothing had been sent, so it may post once a token is back (still none).
    expect((await book(a, 4)).json).toMatchObject({ status: 'error', booking_status: 'failed' });
    // A cancel refused by the budget is not followed by a lookup (refused the same way): the caller hears at once that it did not go through.
    const events = async () => (await a.get(`/bookings/${second.booking_id}/events`)).json.events.map((e: { type: string }) => e.type);
    const before = await events();
    const cancel = await a.callFunction('cancel_appointment', { call: { call_id: 'call_rl_2' }, args: { booking_id: second.booking_id } });
    expect(cancel.json).toMatchObject({ success: false, status: 'error', retryable: true, booking_status: 'awaiting_webhook', message: 'Die Stornierung hat gerade nicht geklappt, Ihr Termin besteht noch. Bitte versuchen Sie es gleich noch einmal.' });
    expect(sent.filter((s) => s === 'cancel' || s === 'lookup')).toEqual([]);
    expect(await events()).toEqual(before);
    expect((await a.get('/metrics', { token: null, accept: 'text/plain' })).text).toMatch(/booking_ledger_calcom_throttled_total\{operation="cancel"\} 1/);
  });
});

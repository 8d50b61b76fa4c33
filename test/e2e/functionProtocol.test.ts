import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates, interceptSlots } from '../support/fakeCalcom';
import { RETELL_KEY, signRetell, startTestService, type TestService } from '../support/testService';

describe('POST /retell/functions/:name protocol', () => {
  let t: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '100' } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.stop();
    nock.enableNetConnect();
  });

  const body = { name: 'book_appointment', call: { call_id: 'call_proto' }, args: { datum: '12.05.2031', uhrzeit: '9 Uhr', name: 'Rosa' } };

  it('rejects a missing, forged, stale or foreign-key signature with 401', async () => {
    const text = JSON.stringify(body);
    const stale = Date.now() - 6 * 60_000;
    for (const signature of [null, 'v=1,d=abc', signRetell(text, RETELL_KEY, stale), signRetell(text, 'another-key'), signRetell(`${text} `)]) {
      const { status, json } = await t.callFunction('book_appointment', body, { signature, raw: text });
      expect(status).toBe(401);
      expect(json.error).toBe('invalid_signature');
    }
  });

  it('answers 400 with a clear error for a body that is not JSON or has no call id', async () => {
    expect((await t.callFunction('book_appointment', undefined, { raw: '{not json' })).json).toMatchObject({ error: 'malformed_json' });
    const noCall = await t.callFunction('book_appointment', { args: { datum: '12.05.2031' } });
    expect(noCall.status).toBe(400);
    expect(noCall.json.message).toMatch(/call_id is required/);
  });

  it('answers 404 for a function it does not offer', async () => {
    const { status, json } = await t.callFunction('transfer_call', body);
    expect(status).toBe(404);
    expect(json.message).toMatch(/book_appointment/);
  });

  it('answers invalid_input (200) in German when arguments are missing', async () => {
    const { status, json } = await t.callFunction('book_appointment', { call: { call_id: 'call_x' }, args: { name: 'Rosa' } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ success: false, status: 'invalid_input' });
    expect(json.message).toMatch(/Datum und die Uhrzeit/);
    expect(json.problems).toEqual(expect.arrayContaining(['date is missing', 'time is missing']));
  });

  it('accepts args-only bodies with English names and answers in English when asked', async () => {
    const seen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    const { json } = await t.callFunction('book_appointment', { call_id: 'call_args_only', date: '2031-05-12', time: '14:30', name: 'Ada', email: 'ada@example.org', language: 'en' });
    expect(seen[0]).toMatchObject({ start: '2031-05-12T12:30:00.000Z', attendee: { email: 'ada@example.org' }, metadata: { call_id: 'call_args_only' } });
    expect(json).toMatchObject({ status: 'pending', appointment: { date: '2031-05-12', time: '14:30' } });
    expect(json.message).toBe('Your booking for Monday, 12 May 2031 at 14:30 was received but the calendar has not confirmed it yet. Ask me again in a moment and I will tell you where it stands.');
  });

  it('check_availability lists free times of a day and says whether a time is free', async () => {
    interceptSlots(['2031-05-12T07:00:00.000Z', '2031-05-12T07:30:00.000Z', '2031-05-12T12:00:00.000Z']);
    const day = await t.callFunction('check_availability', { call: { call_id: 'call_av' }, args: { datum: '12.05.2031' } });
    expect(day.json).toMatchObject({ success: true, status: 'available' });
    expect(day.json.message).toBe('Am 12.05.2031 sind frei: 09:00 Uhr, 09:30 Uhr und 14:00 Uhr.');
    const taken = await t.callFunction('check_availability', { call: { call_id: 'call_av' }, args: { datum: '12.05.2031', uhrzeit: '10:00' } });
    expect(taken.json).toMatchObject({ status: 'slot_unavailable', alternatives: [{ time: '09:00' }, { time: '09:30' }, { time: '14:00' }] });
  });

  it('answers error (not a false "booked") when Cal.com cannot be reached for availability', async () => {
    nock('https://cal.test').get('/v2/slots').query(true).times(5).reply(503, 'down');
    const { status, json } = await t.callFunction('check_availability', { call: { call_id: 'call_av2' }, args: { datum: '12.05.2031' } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ success: false, status: 'error', retryable: true });
  });
});

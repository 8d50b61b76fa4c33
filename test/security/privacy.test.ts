import nock from 'nock';
import { createCalcomHttpClient } from '../../src/adapters/calcom/calcomHttpClient';
import type { CalcomClient } from '../../src/application/ports/calcom';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, webhookFor, type CalcomBookingJson, type CreateRequest } from '../support/fakeCalcom';
import { ADMIN_TOKEN, CALCOM_BASE, RETELL_KEY, WEBHOOK_SECRET, startTestService, type TestService } from '../support/testService';
import { send, signCalcomBytes } from './hostile';

/**
 * Across a full flow — book with name, email and phone; book with phone only; webhooks carrying
 * attendees (matching, foreign, unreadable, unstorable, unsigned); cancel; invalid input naming the
 * caller; and a use case that throws an error carrying the request — no caller name, email or phone
 * number (in any format sent or derived) and no secret appears in any log line (all pino lines, debug
 * level, WITHOUT the production logger's redaction: fields must never be passed to the logger at all)
 * nor in /metrics.
 */

const CALLER = { name: 'Hansi Quaxenbrink', email: 'Hansi.Quaxenbrink@Example.org', phone: '+49 (176) 5550-1234' };
const PHONE_ONLY = { name: 'Gundula Pfefferminz', phone: '0176 / 777 888 99' };
const THROWN = { name: 'Theodor Kaputtmacher', email: 'theodor.kaputtmacher@example.org' };
const INVALID = { name: 'Ottilie Falschmeldung', email: 'ottilie.falschmeldung(at)example' };
const ATTENDEE = { name: 'Ferdinand Webhookson', email: 'ferdinand.webhookson@example.org', phoneNumber: '+43 664 1239876' };

const pii = [
  ...[CALLER, PHONE_ONLY, THROWN, INVALID, ATTENDEE].flatMap((person) => [person.name, ...person.name.split(' ').filter((part) => part.length > 4)]),
  CALLER.email,
  CALLER.email.toLowerCase(),
  'quaxenbrink@',
  CALLER.phone,
  '+4917655501234',
  '4917655501234',
  '17655501234',
  '5550-1234',
  PHONE_ONLY.phone,
  '017677788899',
  '+4917677788899',
  '77788899',
  THROWN.email,
  INVALID.email,
  'falschmeldung(at)',
  ATTENDEE.email,
  ATTENDEE.phoneNumber,
  '436641239876',
  'Kunde Quaxenbrink sagt ab',
];
const secrets = [RETELL_KEY, WEBHOOK_SECRET, ADMIN_TOKEN, 'cal_test_key'];

describe('privacy: what the logs never contain', () => {
  let t: TestService;
  const created: CalcomBookingJson[] = [];
  const authorizations: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock(CALCOM_BASE)
      .persist()
      .post('/v2/bookings')
      .reply(201, function (_uri, body) {
        authorizations.push(String(this.req.headers.authorization));
        const booking = freshBooking(body as CreateRequest);
        created.push(booking);
        return { status: 'success', data: booking };
      })
      .post(/\/v2\/bookings\/[^/]+\/cancel$/)
      .reply(200, { status: 'success', data: {} })
      .get('/v2/slots')
      .query(true)
      .reply(200, { status: 'success', data: {} });
    const real = createCalcomHttpClient({ baseUrl: `${CALCOM_BASE}/v2`, apiKey: 'cal_test_key', timeoutMs: 1500 });
    // A use case that throws, with an error carrying the whole request (as an AxiosError carries config.data).
    const calcom: CalcomClient = {
      ...real,
      createBooking: async (input) => {
        if (input.attendee.name !== THROWN.name) return real.createBooking(input);
        throw Object.assign(new Error('Request failed with status code 500'), {
          config: { data: JSON.stringify(input), headers: { Authorization: 'Bearer cal_test_key' } },
          response: { data: { attendee: input.attendee } },
          attendee: input.attendee,
        });
      },
    };
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '0' }, calcom });
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('runs a full flow and no log line or metric holds a caller’s name, email, phone number, or a secret', async () => {
    // Book with name, email and phone (German argument names).
    const booked = await t.callFunction('book_appointment', {
      name: 'book_appointment',
      call: { call_id: 'call_privacy_1', from_number: CALLER.phone },
      args: { datum: '12.05.2031', uhrzeit: '9 Uhr', name: CALLER.name, email: CALLER.email, telefon: CALLER.phone, dienstleistung: 'Beratung' },
    });
    expect(booked.json.status).toBe('pending');
    // Book with a phone number only (it becomes the attendee identity).
    const byPhone = await t.callFunction('book_appointment', { call_id: 'call_privacy_2', date: '2031-05-12', time: '10:00', name: PHONE_ONLY.name, phone: PHONE_ONLY.phone });
    expect(byPhone.json.status).toBe('pending');
    expect(created.map((b) => b.attendees[0]?.phoneNumber)).toContain('+4917677788899');

    // Webhooks with attendees: the matching one, one for a foreign call, an unreadable one, an unstorable one, an unsigned one.
    const booking = created.find((b) => b.metadata.booking_ref === booked.json.booking_id)!;
    const withAttendees = { ...booking, attendees: [{ ...ATTENDEE, timeZone: 'Europe/Berlin' }, { name: CALLER.name, email: CALLER.email, timeZone: 'Europe/Berlin' }] };
    expect((await t.sendWebhook(webhookFor(withAttendees))).json.applied).toEqual(['BookingConfirmedByWebhook']);
    expect((await t.sendWebhook(webhookFor({ ...withAttendees, uid: 'uid-foreign-privacy', metadata: { call_id: 'call_elsewhere' } }))).json.orphan).toBe('no_booking');
    const unreadable = `{"triggerEvent":"BOOKING_CREATED","payload":{"attendees":[{"name":"${ATTENDEE.name}","email":"${ATTENDEE.email}"`;
    expect((await t.sendWebhook(undefined, { raw: unreadable })).status).toBe(400);
    const unstorable = JSON.stringify(webhookFor({ ...withAttendees, uid: 'uid\u0000privacy' }));
    expect((await t.sendWebhook(undefined, { raw: unstorable })).status).toBe(400);
    expect((await t.sendWebhook(webhookFor(withAttendees, 'BOOKING_CANCELLED'), { signature: null })).status).toBe(401);

    // Status and cancellation, with a reason naming the caller.
    expect((await t.callFunction('get_booking_status', { call: { call_id: 'call_privacy_1' }, args: { booking_id: booked.json.booking_id } })).json.status).toBe('confirmed');
    const cancelled = await t.callFunction('cancel_appointment', { call: { call_id: 'call_privacy_1' }, args: { booking_id: booked.json.booking_id, grund: 'Kunde Quaxenbrink sagt ab' } });
    expect(cancelled.json.status).toBe('cancelled');
    expect((await t.sendWebhook(webhookFor(withAttendees, 'BOOKING_CANCELLED', { cancellationReason: 'Kunde Quaxenbrink sagt ab' }))).status).toBe(200);

    // Invalid input that names the caller (the problems echo the bad email back to the agent, not to the logs).
    const invalid = await t.callFunction('book_appointment', { call: { call_id: 'call_privacy_3' }, args: { datum: '31.02.2031', uhrzeit: '25:61', name: INVALID.name, email: INVALID.email } });
    expect(invalid.json.status).toBe('invalid_input');
    expect(invalid.json.problems.join(' ')).toContain(INVALID.email);
    const malformed = await t.callFunction('book_appointment', undefined, { raw: `{"name":"${INVALID.name}","email":"${INVALID.email}"` });
    expect(malformed.status).toBe(400);

    // A thrown error: the caller gets a retryable 503; the error's attached request data stays out of the logs.
    const thrown = await t.callFunction('book_appointment', { call_id: 'call_privacy_4', date: '2031-05-12', time: '11:00', name: THROWN.name, email: THROWN.email });
    expect(thrown.status).toBe(503);
    expect(thrown.json).toMatchObject({ retryable: true });

    // The flow really ran through the logger and really used the secrets.
    expect(authorizations).toContain('Bearer cal_test_key');
    expect(t.logs.length).toBeGreaterThan(10);
    expect(t.logs.some((line) => line.includes('"level":50') && line.includes('Request failed'))).toBe(true);
    expect(t.logs.some((line) => line.includes('Retell function answered'))).toBe(true);
    expect(t.logs.some((line) => line.includes('bad signature'))).toBe(true);

    const metrics = (await send(t.url, '/metrics', { method: 'GET' })).text;
    const haystacks: Array<[string, string]> = [...t.logs.map((line, i): [string, string] => [`log line ${i}`, line]), ['/metrics', metrics]];
    const leaks = haystacks.flatMap(([where, text]) => [...pii, ...secrets].filter((needle) => text.toLowerCase().includes(needle.toLowerCase())).map((needle) => `${where}: "${needle}" in ${text.slice(0, 300)}`));
    expect(leaks).toEqual([]);
  });
});

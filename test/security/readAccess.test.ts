import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates } from '../support/fakeCalcom';
import { ADMIN_TOKEN, startTestService, type TestService } from '../support/testService';
import { send } from './hostile';

/**
 * The analysts' read endpoints need `Authorization: Bearer <ADMIN_TOKEN>`; anything else is 401 with a
 * message and a WWW-Authenticate challenge, and reveals nothing. Probes and scrapers stay open.
 */

describe('read endpoints and the admin token', () => {
  let t: TestService;
  let bookingId: string;
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => send(t.url, path, { method, headers: { accept: 'application/json', ...headers } });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '0' } });
    interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }], 1);
    const booked = await t.callFunction('book_appointment', { call: { call_id: 'call_read_access' }, args: { date: '2031-05-12', time: '10:00', name: 'Reader Probe' } });
    bookingId = booked.json.booking_id;
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const protectedPaths = () => [
    '/appointments?call_id=call_read_access',
    '/appointments?booking_uid=x',
    '/appointments',
    `/bookings/${bookingId}/events`,
    '/bookings/00000000-0000-4000-8000-000000000000/events',
    '/bookings/not-a-uuid/events',
    '/incidents/timeline?call_id=call_read_access',
    '/incidents/timeline',
    '/incidents/timeline?call_id=call_read_access&format=markdown',
    '/console',
    '/console?call_id=call_read_access',
  ];
  const wrongCredentials: Array<[string, Record<string, string>]> = [
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }],
    ['Basic with the token as password', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }],
    ['Basic with the raw token', { authorization: `Basic ${ADMIN_TOKEN}` }],
    ['the token with one extra character', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ['the token missing its last character', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }],
    // (A trailing space would be stripped by HTTP itself: header values carry no outer whitespace.)
    ['the token split by a space', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, 8)} ${ADMIN_TOKEN.slice(8)}` }],
    ['the token followed by a tab and more', { authorization: `Bearer ${ADMIN_TOKEN}\tmore` }],
    ['two spaces after Bearer', { authorization: `Bearer  ${ADMIN_TOKEN}` }],
    ['the token without a scheme', { authorization: ADMIN_TOKEN }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a wrong token then the right one', { authorization: `Bearer wrong, Bearer ${ADMIN_TOKEN}` }],
    ['the token in another header', { 'x-admin-token': ADMIN_TOKEN, cookie: `token=${ADMIN_TOKEN}` }],
    ['the token upper-cased', { authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` }],
    ['the token as the console session cookie', { cookie: `bl_admin_session=${ADMIN_TOKEN}` }],
    ['a made-up console session cookie', { cookie: 'bl_admin_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
  ];

  /** The route is missing (still being built): then there is nothing to protect, only 404 either way. */
  const routeMissing = (r: { status: number; json: any }) => r.status === 404 && r.json?.message === 'No such endpoint';

  it('answers 401 with a clear message for every wrong or missing credential', async () => {
    for (const path of protectedPaths()) {
      const authed = await get(path, { authorization: `Bearer ${ADMIN_TOKEN}` });
      if (routeMissing(authed)) continue;
      expect([path, authed.status === 401]).toEqual([path, false]);
      for (const [label, headers] of wrongCredentials) {
        const r = await get(path, headers);
        expect([path, label, r.status]).toEqual([path, label, 401]);
        expect(r.json).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('Bearer') });
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(r.text).not.toContain('call_read_access');
        expect(r.text).not.toContain('Reader Probe');
      }
      // A token in the query string is not a credential either.
      const queried = await get(`${path}${path.includes('?') ? '&' : '?'}access_token=${ADMIN_TOKEN}&token=${ADMIN_TOKEN}`);
      expect([path, queried.status]).toEqual([path, 401]);
      // HEAD is GET without a body: just as closed.
      expect([path, (await get(path, {}, 'HEAD')).status]).toEqual([path, 401]);
    }
  });

  it('serves the read endpoints with the right token', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect(await get('/appointments?call_id=call_read_access', auth)).toMatchObject({ status: 200 });
    const history = await get(`/bookings/${bookingId}/events`, auth);
    expect(history.status).toBe(200);
    expect(history.json.events[0]).toMatchObject({ type: 'BookingRequested' });
    const timeline = await get('/incidents/timeline?call_id=call_read_access', auth);
    if (!routeMissing(timeline)) expect(timeline.status).not.toBe(401);
  });

  it('keeps /healthz, /readyz and /metrics open, with or without a token', async () => {
    const variants: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: `Bearer ${ADMIN_TOKEN}` }];
    for (const headers of variants) {
      expect((await get('/healthz', headers)).status).toBe(200);
      expect([200, 503]).toContain((await get('/readyz', headers)).status);
      const metrics = await get('/metrics', headers);
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('# HELP');
    }
  });
});

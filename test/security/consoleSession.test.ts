import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates } from '../support/fakeCalcom';
import { ADMIN_TOKEN, eventually, startTestService, type TestService } from '../support/testService';

/**
 * The console's browser sign-in: the admin token in, an HttpOnly SameSite=Strict session cookie out
 * (Secure behind HTTPS), kept server-side so that signing out ends it everywhere; the cookie opens GET
 * pages only, never a state-changing admin endpoint, and no other site can sign a browser in or out.
 */
describe('console sign-in, session cookie and sign-out', () => {
  let t: TestService;
  const request = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    fetch(`${t.url}${path}`, { redirect: 'manual', ...init, headers: { accept: 'text/html', ...init.headers } });
  const form = (fields: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() });
  const signIn = async (token = ADMIN_TOKEN, headers: Record<string, string> = {}, next = '/console') => {
    const { body, ...type } = form({ token, next });
    return request('/console/sign-in', { method: 'POST', headers: { ...type, ...headers }, body });
  };
  const cookieOf = (response: Response) => /bl_admin_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '0', ADMIN_SIGN_IN_LIMIT: '20' } });
    interceptCreates((r) => [201, { status: 'success', data: freshBooking(r) }], 1);
    await t.callFunction('book_appointment', { call: { call_id: 'call_console_session', from_number: '+4930123456789' }, args: { date: '2031-05-12', time: '10:00', name: 'Session Probe' } });
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('sends a browser without a session to the sign-in page and back to where it was going', async () => {
    const page = await request('/incidents/timeline?call_id=call_console_session');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/console/sign-in?next=${encodeURIComponent('/incidents/timeline?call_id=call_console_session')}`);
    const form = await request(page.headers.get('location')!);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="token"');
    expect(html).toContain(`value="/incidents/timeline?call_id=call_console_session"`);
    expect(html).not.toContain('Session Probe');
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const wrong = await signIn('wrong-token-0123456789abcdef');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That is not the admin token');
  });

  it('signs in: an HttpOnly, SameSite=Strict cookie for the session length, that opens pages and read endpoints', async () => {
    const signedIn = await signIn(ADMIN_TOKEN, {}, '/incidents/timeline?call_id=call_console_session');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/incidents/timeline?call_id=call_console_session');
    const setCookie = signedIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=28800/); // ADMIN_SESSION_HOURS: 8
    expect(setCookie).not.toMatch(/Secure/); // plain HTTP here
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    const cookie = `bl_admin_session=${cookieOf(signedIn)}`;

    const page = await request('/incidents/timeline?call_id=call_console_session', { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Session Probe');
    expect(html).toMatch(/<form method="post" action="\/console\/sign-out"><input type="hidden" name="csrf" value="[\w-]{20,}">/);
    // The index reads the read model, which the projection fills a moment after the booking.
    await eventually(async () => (await (await request('/console', { headers: { cookie } })).text()).includes('call_console_session'));
    expect((await request('/appointments?call_id=call_console_session', { headers: { cookie, accept: 'application/json' } })).status).toBe(200);
  });

  it('never lets the cookie change anything: rebuild and reconcile take the bearer token only', async () => {
    const cookie = `bl_admin_session=${cookieOf(await signIn())}`;
    for (const path of ['/admin/rebuild', '/admin/reconcile']) {
      const posted = await request(path, { method: 'POST', headers: { cookie, accept: 'application/json', 'content-type': 'application/json' }, body: '{}' });
      expect([path, posted.status]).toEqual([path, 401]);
      expect(await posted.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('console session is not enough') });
    }
  });

  it('marks the cookie Secure behind an HTTPS proxy', async () => {
    const signedIn = await signIn(ADMIN_TOKEN, { 'x-forwarded-proto': 'https' });
    expect(signedIn.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('refuses sign-in and sign-out posted from another site, and a sign-out without its CSRF token', async () => {
    const foreign = await signIn(ADMIN_TOKEN, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    expect((await signIn(ADMIN_TOKEN, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);

    const cookie = `bl_admin_session=${cookieOf(await signIn())}`;
    const { body, ...type } = form({ csrf: 'not-the-token' });
    expect((await request('/console/sign-out', { method: 'POST', headers: { cookie, ...type }, body })).status).toBe(403);
    expect((await request('/console/sign-out', { method: 'POST', headers: { cookie, ...type, origin: 'https://evil.example' }, body })).status).toBe(403);
    expect((await request('/console', { headers: { cookie } })).status).toBe(200); // still signed in
  });

  it('signs out for good: the same cookie replayed afterwards opens nothing', async () => {
    const cookie = `bl_admin_session=${cookieOf(await signIn())}`;
    const html = await (await request('/console', { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const { body, ...type } = form({ csrf });
    const out = await request('/console/sign-out', { method: 'POST', headers: { cookie, ...type }, body });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in?signed_out=1');
    expect(out.headers.get('set-cookie')).toMatch(/bl_admin_session=;.*Expires=Thu, 01 Jan 1970/);
    const replayed = await request('/console', { headers: { cookie } });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toContain('expired=1');
    expect((await request('/appointments?call_id=call_console_session', { headers: { cookie, accept: 'application/json' } })).status).toBe(401);
  });

  it('goes only to paths of this service after signing in', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/console/sign-out']) {
      const signedIn = await signIn(ADMIN_TOKEN, {}, next);
      expect([next, signedIn.headers.get('location')]).toEqual([next, '/console']);
    }
  });

  it('counts a new sign-in as the end of the browser’s old session', async () => {
    const first = `bl_admin_session=${cookieOf(await signIn())}`;
    const second = await signIn(ADMIN_TOKEN, { cookie: first });
    expect(cookieOf(second)).toBeDefined();
    expect((await request('/console', { headers: { cookie: first } })).status).toBe(303);
  });

  it('limits sign-in attempts per address (ADMIN_SIGN_IN_LIMIT in 15 minutes)', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 21; i += 1) last = await signIn('wrong-token-0123456789abcdef'); // more than the limit in all
    expect(last!.status).toBe(429);
    expect(await last!.text()).toContain('Too many sign-in attempts');
  });

  it('cannot be dodged with a made-up X-Forwarded-For when the peer is no trusted proxy', async () => {
    const direct = await startTestService(openMemoryPglite, { env: { ADMIN_SIGN_IN_LIMIT: '3', TRUST_PROXY: '10.0.0.0/8' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { body, ...type } = form({ token: 'wrong-token-0123456789abcdef', next: '/console' });
        const r = await fetch(`${direct.url}/console/sign-in`, { method: 'POST', redirect: 'manual', headers: { ...type, 'x-forwarded-for': `10.0.0.${i}, 198.51.100.${i}` }, body });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await direct.stop();
    }
  });
});

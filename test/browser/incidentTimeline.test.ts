import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates, webhookFor } from '../support/fakeCalcom';
import { ADMIN_TOKEN, eventually } from '../support/testService';
import { UID, call687, call688 } from '../fixtures/incident';
import { replayIncident, stopReplay, type ReplayedIncident } from '../timeline/support/replayIncident';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const XSS_NAME = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const XSS_CALL = 'call_xss_probe';
/** How the console shows the callers' number +4930000000 (both incident calls came from it). */
const MASKED_NUMBER = '+49******00';

/**
 * The analysts' console as a new analyst uses it, in Debian's Chromium: sign in, find the incident
 * from the index, follow the duplicate answer to the booking that owns the uid, look in UTC and in
 * practice time, move the as-of control, export Markdown, sign out. Screenshots in test-artifacts/.
 */
describe('The analysts console in headless Chromium', () => {
  let replay: ReplayedIncident;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    replay = await replayIncident(openMemoryPglite);
    // A third caller whose name tries to inject markup into the page.
    interceptCreates(async (request) => {
      const booking = freshBooking(request);
      await replay.t.sendWebhook(webhookFor(booking, 'BOOKING_CREATED'));
      return [201, { status: 'success', data: booking }];
    }, 1);
    const xss = await replay.t.callFunction('book_appointment', {
      name: 'book_appointment',
      call: { call_id: XSS_CALL },
      args: { datum: '11.10.2025', uhrzeit: '09:00', name: XSS_NAME },
    });
    expect(xss.json.status).toBe('confirmed');
    // The index reads the read model: wait until the projection has all three calls.
    await eventually(async () => {
      const index = (await replay.t.get('/console', { accept: 'text/html' })).text;
      return index.includes(XSS_CALL) && /<table class="findings-duplicates">[\s\S]*8Fxv4pCqnb1Jva1w9wn5wX/.test(index);
    });

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }); // plain launch: a new temporary profile
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stopReplay(replay);
  });

  it('signs in from the sign-in page with the admin token: a wrong one is refused, the right one sets an HttpOnly SameSite=Strict cookie', async () => {
    await page.goto(`${replay.t.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console');
    await page.fill('#token', 'not-the-admin-token-at-all');
    await page.click('#sign-in');
    await expect(page.locator('#sign-in-notice').innerText()).resolves.toContain('That is not the admin token');
    await page.fill('#token', ADMIN_TOKEN);
    await shot('console-1-sign-in');
    await page.click('#sign-in');
    await page.waitForURL(`${replay.t.url}/console`);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'bl_admin_session', httpOnly: true, sameSite: 'Strict', secure: false });
    expect(cookie!.value).not.toContain(ADMIN_TOKEN);
    await expect(page.evaluate('document.cookie')).resolves.toBe(''); // HttpOnly: no script can read it
  });

  it('lists the recent calls with what each caller heard last, and the duplicate among the open findings', async () => {
    const row687 = page.locator(`table.recent-calls tr[data-call-id="${call687.callId}"]`);
    const row688 = page.locator(`table.recent-calls tr[data-call-id="${call688.callId}"]`);
    await expect(row687.innerText()).resolves.toContain('CONFIRMED');
    await expect(row687.locator('td.told').innerText()).resolves.toContain(replay.answer687.message);
    await expect(row688.locator('td.told').innerText()).resolves.toContain(replay.answer688.message);
    await expect(row688.innerText()).resolves.toContain(MASKED_NUMBER);
    await expect(page.locator('table.findings-duplicates').innerText()).resolves.toContain(UID);
    await shot('console-2-index');

    // Search by the masked number as shown: the two incident calls, not the third caller.
    await page.fill('input[name="caller"]', MASKED_NUMBER);
    await page.click('#search');
    await page.waitForURL(/caller=/);
    const found = await page.locator('table.recent-calls tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-call-id')).sort());
    expect(found).toEqual([call687.callId, call688.callId].sort());
  });

  it("opens the incident from the finding: both calls, the duplicate answer linked to 687's booking that owns the uid, times in practice time", async () => {
    await page.click(`table.findings-duplicates a.uid:text("${UID}")`);
    await page.waitForURL(/\/incidents\/timeline\?booking_uid=/);
    await expect(page.title()).resolves.toBe(`Incident timeline: Cal.com uid ${UID}`);
    const lanes = await page.locator('.lane-head').evaluateAll((heads) => heads.map((h) => h.getAttribute('data-call-id')));
    expect(lanes).toEqual([call687.callId, call688.callId]);
    await expect(page.locator('.lane-head.confirmed').getAttribute('data-call-id')).resolves.toBe(call687.callId);
    await expect(page.locator('.lane-head.duplicate').getAttribute('data-call-id')).resolves.toBe(call688.callId);

    // Practice time: the caller said 11:04 (Europe/Berlin), the page says 11:04, not 09:04Z.
    await expect(page.locator('.axis-head').innerText()).resolves.toContain('Time (Europe/Berlin)');
    await expect(page.locator('.axis .happened').first().innerText()).resolves.toMatch(/^11:04:54/);

    const answer688 = page.locator(`article[data-event-type="CalcomResponded"][data-call-id="${call688.callId}"]`);
    await expect(answer688.innerText()).resolves.toContain('STALE createdAt');
    const owner = answer688.locator('a.owner');
    await expect(owner.isVisible()).resolves.toBe(true);
    await expect(owner.innerText()).resolves.toContain(`of call ${call687.callId}`);
    const answerId = (await answer688.getAttribute('id'))!.replace(/^ev-/, '');
    await expect(page.locator(`svg line.uid-link[data-from="${answerId}"]`).count()).resolves.toBe(1); // drawn on the axis too
    await expect(page.locator('#legend').innerText()).resolves.toContain('DUPLICATE');
    await shot('console-3-incident');

    await owner.click();
    const target = page.locator('article.mark:target');
    await expect(target.getAttribute('data-event-type')).resolves.toBe('BookingConfirmedByWebhook');
    await expect(target.getAttribute('data-call-id')).resolves.toBe(call687.callId);
    await expect(page.locator('blockquote.told').first().innerText()).resolves.toContain('Caller heard');
  });

  it('switches to UTC, filters event types and expands every event', async () => {
    await page.check('input[name="tz"][value="utc"]'); // the console script applies it at once
    await page.waitForURL(/tz=utc/);
    await expect(page.locator('.axis-head').innerText()).resolves.toContain('Time (UTC)');
    await expect(page.locator('.axis .happened').first().innerText()).resolves.toMatch(/^09:04:54/);

    await expect(page.locator('article[data-event-type="CallerAnswered"]').count()).resolves.toBe(2);
    await page.uncheck('input[name="type"][value="CallerAnswered"]');
    await page.waitForURL((url) => url.searchParams.has('type') && !url.searchParams.getAll('type').includes('CallerAnswered'));
    await expect(page.locator('article[data-event-type="CallerAnswered"]').count()).resolves.toBe(0);
    await expect(page.locator('article[data-event-type="DuplicateDetected"]').count()).resolves.toBe(1);

    await page.click('#expand-all');
    await page.waitForURL(/expand=all/);
    const closed = await page.locator('article.mark details:not([open])').count();
    expect(closed).toBe(0);
    await page.goto(`${replay.t.url}/incidents/timeline?booking_uid=${UID}`);
  });

  it('moves the as-of control to between the calls: 687 confirmed, 688 not yet recorded', async () => {
    const between = replay.betweenCalls.getTime();
    await page.locator('#as-of-slider').evaluate((el, value) => {
      const slider = el as unknown as { value: string; dispatchEvent(e: unknown): boolean };
      slider.value = String(value);
      slider.dispatchEvent(new (globalThis as any).Event('input', { bubbles: true }));
      slider.dispatchEvent(new (globalThis as any).Event('change', { bubbles: true }));
    }, between);
    await page.waitForURL(/as_of=/);
    await expect(page.locator('header .asof').innerText()).resolves.toContain(`As of ${new Date(between).toISOString()}`);
    await expect(page.locator(`.lane-head[data-call-id="${call688.callId}"]`).innerText()).resolves.toContain('NOT YET RECORDED');
    await expect(page.locator(`article[data-call-id="${call688.callId}"]`).count()).resolves.toBe(0);
    await expect(page.locator('.lane-head.confirmed').getAttribute('data-call-id')).resolves.toBe(call687.callId);
    await shot('console-4-as-of');
  });

  it('exports the Markdown report of what is shown, and links the JSON and the raw events', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-markdown')]);
    expect(download.suggestedFilename()).toBe(`timeline-${UID}.md`);
    const file = await download.path();
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain(`# Incident report: Cal.com uid ${UID}`);
    expect(markdown).toContain('As of');
    copyFileSync(file, path.join(ARTIFACTS, 'console-export.md'));

    const json = await page.request.get(`${replay.t.url}${await page.locator('#export-json').getAttribute('href')}`);
    expect(json.status()).toBe(200);
    expect((await json.json()).calls.map((c: { callId: string }) => c.callId)).toEqual([call687.callId, call688.callId]);
    const raw = await page.request.get(`${replay.t.url}${await page.locator('a.raw-events').first().getAttribute('href')}`);
    expect(raw.status()).toBe(200);
    expect((await raw.json()).events[0].type).toBe('BookingRequested');
  });

  it("shows a caller's <script> name as text and runs nothing but the console's own script", async () => {
    await page.goto(`${replay.t.url}/incidents/timeline?call_id=${XSS_CALL}`);
    await expect(page.locator('.lane-head .who').innerText()).resolves.toBe(XSS_NAME);
    await expect(page.evaluate('window.__pwned')).resolves.toBeUndefined();
    await expect(page.evaluate('[...document.scripts].map((s) => new URL(s.src).pathname)')).resolves.toEqual(['/console/console.js']);
    await expect(page.evaluate('document.images.length')).resolves.toBe(0);
  });

  it('signs out: the cookie is gone and the pages ask for the token again', async () => {
    await page.goto(`${replay.t.url}/console`);
    await page.click('#sign-out');
    await page.waitForURL(/\/console\/sign-in\?signed_out=1/);
    await expect(page.locator('#sign-in-notice').innerText()).resolves.toContain('You are signed out');
    await expect(context.cookies()).resolves.toEqual([]);
    await page.goto(`${replay.t.url}/incidents/timeline?booking_uid=${UID}`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await shot('console-5-signed-out');
  });

  it('still opens the pages for a script with the bearer token', async () => {
    const scripted = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const response = await (await scripted.newPage()).goto(`${replay.t.url}/incidents/timeline?booking_uid=${UID}`);
    expect(response?.status()).toBe(200);
    await expect(response!.text()).resolves.toContain('signed in with the bearer token');
    await scripted.close();
  });
});

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates, webhookFor } from '../support/fakeCalcom';
import { ADMIN_TOKEN } from '../support/testService';
import { UID, call687, call688 } from '../fixtures/incident';
import { replayIncident, stopReplay, type ReplayedIncident } from '../timeline/support/replayIncident';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const XSS_NAME = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const XSS_CALL = 'call_xss_probe';

describe('The incident timeline page in headless Chromium', () => {
  let replay: ReplayedIncident;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

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

    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }); // plain launch: a new temporary profile
    context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` }, viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stopReplay(replay);
  });

  it('shows the two calls side by side, the stale createdAt, the foreign call_id, DuplicateDetected, and only 687 confirmed', async () => {
    const response = await page.goto(`${replay.t.url}/incidents/timeline?booking_uid=${UID}`);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe(`Incident timeline: Cal.com uid ${UID}`);

    const lanes = page.locator('.lane-head');
    await expect(lanes.evaluateAll((heads) => heads.map((h) => h.getAttribute('data-call-id')))).resolves.toEqual([call687.callId, call688.callId]);
    const box687 = (await lanes.nth(0).boundingBox())!;
    const box688 = (await lanes.nth(1).boundingBox())!;
    expect(box688.x).toBeGreaterThan(box687.x + box687.width - 1); // side by side
    expect(Math.abs(box688.y - box687.y)).toBeLessThan(2);

    const lane687 = page.locator('.lane-head.confirmed');
    await expect(lane687.count()).resolves.toBe(1);
    await expect(lane687.getAttribute('data-call-id')).resolves.toBe(call687.callId);
    await expect(lane687.innerText()).resolves.toContain('CONFIRMED');
    await expect(page.locator('.lane-head.duplicate').getAttribute('data-call-id')).resolves.toBe(call688.callId);
    await expect(page.locator('.lane-head.duplicate').innerText()).resolves.toContain('DUPLICATE');

    const answer688 = page.locator(`article[data-event-type="CalcomResponded"][data-call-id="${call688.callId}"]`);
    await expect(answer688.isVisible()).resolves.toBe(true);
    const answerText = await answer688.innerText();
    expect(answerText).toContain('STALE createdAt');
    expect(answerText).toContain('2025-10-06T09:05:21.002Z');
    expect(answerText).toContain(`FOREIGN call_id ${call687.callId}`);

    const duplicate = page.locator('article[data-event-type="DuplicateDetected"]');
    await expect(duplicate.isVisible()).resolves.toBe(true);
    await expect(duplicate.innerText()).resolves.toMatch(/DuplicateDetected: .*stale_created_at.*metadata_call_id_mismatch/);
    const border = await duplicate.evaluate((el) => (globalThis as any).getComputedStyle(el).borderTopColor as string);
    expect(border).toBe('rgb(198, 40, 40)'); // highlighted red

    const confirmations = page.locator('article[data-event-type="BookingConfirmedByWebhook"]');
    await expect(confirmations.count()).resolves.toBe(1);
    await expect(confirmations.getAttribute('data-call-id')).resolves.toBe(call687.callId);
    await expect(page.locator('table.states tr.confirmed').count()).resolves.toBe(1);
    await expect(page.locator('table.duplicates').innerText()).resolves.toContain(UID);

    // Each event is a mark on the time axis, in recorded order, one row per event.
    const rows = await page.locator('article.mark').evaluateAll((marks) => marks.map((m) => m.getBoundingClientRect().top));
    expect(rows).toHaveLength(12); // 10 events of the bookings, and what each caller was told
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    await expect(page.locator('.gap').first().innerText()).resolves.toContain('34 min later');

    await page.screenshot({ path: path.join(ARTIFACTS, 'incident-timeline.png'), fullPage: true });
  });

  it('as of a moment between the calls: 687 confirmed, 688 not yet recorded', async () => {
    await page.goto(`${replay.t.url}/incidents/timeline?booking_uid=${UID}&as_of=${encodeURIComponent(replay.betweenCalls.toISOString())}`);
    await expect(page.locator(`.lane-head[data-call-id="${call688.callId}"]`).innerText()).resolves.toContain('NOT YET RECORDED');
    await expect(page.locator(`article[data-call-id="${call688.callId}"]`).count()).resolves.toBe(0);
    await expect(page.locator('.lane-head.confirmed').getAttribute('data-call-id')).resolves.toBe(call687.callId);
    await expect(page.locator('header .asof').innerText()).resolves.toContain(`As of ${replay.betweenCalls.toISOString()}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'incident-timeline-as-of.png'), fullPage: true });
  });

  it("shows a caller's <script> name as text and runs nothing", async () => {
    await page.goto(`${replay.t.url}/incidents/timeline?call_id=${XSS_CALL}`);
    await expect(page.locator('.lane-head .who').innerText()).resolves.toBe(XSS_NAME);
    await expect(page.evaluate('window.__pwned')).resolves.toBeUndefined();
    await expect(page.evaluate('document.scripts.length + document.images.length')).resolves.toBe(0);
  });

  it('refuses without the admin token', async () => {
    const anonymous = await browser.newContext();
    const response = await (await anonymous.newPage()).goto(`${replay.t.url}/incidents/timeline?booking_uid=${UID}`);
    expect(response?.status()).toBe(401);
    await anonymous.close();
  });
});

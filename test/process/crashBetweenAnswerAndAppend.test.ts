import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { postgresUrl, seededPgliteDirectory } from '../support/databases';
import { BASELINE_WASM_ONLY, CHILD_SERVICE_TEST_MS, startChildService, type ChildService } from '../support/childService';
import { webhookFor, freshBooking, type CalcomBookingJson, type CreateRequest } from '../support/fakeCalcom';
import { eventually, signCalcom, signRetell } from '../support/testService';

const RETELL_KEY = 'key_retell_process_test_0123';
const WEBHOOK_SECRET = 'whsec_process_test_0123';

/** A Cal.com stand-in that creates the booking and then kills our service before it can record the answer. */
const startCrashingCalcom = () => {
  const bookings = new Map<string, CalcomBookingJson>();
  let victim: ChildService | undefined;
  let creates = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v2/bookings') {
        creates += 1;
        const booking = freshBooking(JSON.parse(body) as CreateRequest);
        bookings.set(booking.uid, booking);
        victim?.process.kill('SIGKILL'); // the booking exists at Cal.com; our process dies before appending
        victim = undefined;
        setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: booking })), 50);
        return;
      }
      const url = new URL(req.url ?? '/', 'http://calcom');
      if (req.method === 'GET' && url.pathname === '/v2/bookings') {
        // GET /v2/bookings?attendeeEmail=&eventTypeId=&afterStart=&beforeEnd= (bookings.controller.ts getBookings)
        const found = [...bookings.values()].filter((b) => b.attendees.some((a) => a.email === url.searchParams.get('attendeeEmail')));
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: found, pagination: { totalItems: found.length } }));
      }
      const uid = /^\/v2\/bookings\/([^/?]+)$/.exec(req.url ?? '')?.[1];
      const found = uid ? bookings.get(decodeURIComponent(uid)) : undefined;
      if (req.method === 'GET' && found) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: found }));
      if (req.method === 'GET' && req.url?.startsWith('/v2/slots')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{}}');
      res.writeHead(404).end();
    });
  });
  return {
    bookings,
    creates: () => creates,
    target: (child: ChildService) => void (victim = child),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

/** POST to the child service, signed the way Retell or Cal.com would sign it. */
const post = async (url: string, route: string, body: unknown): Promise<{ status: number; json: any }> => {
  const text = JSON.stringify(body);
  const signature: Record<string, string> = route.startsWith('/webhooks') ? { 'x-cal-signature-256': signCalcom(text, WEBHOOK_SECRET) } : { 'x-retell-signature': signRetell(text, RETELL_KEY) };
  const response = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signature }, body: text });
  return { status: response.status, json: await response.json() };
};

const targets: Array<[string, () => Promise<{ url: string; cleanup(): Promise<void> }>]> = [
  ['PGlite on disk', async () => {
    const dir = await seededPgliteDirectory(mkdtempSync(path.join(tmpdir(), 'bl-crash-')));
    return { url: `pglite://${dir}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }],
  ...(postgresUrl
    ? [['PostgreSQL', async () => {
        const schema = `crash_${Date.now().toString(36)}`;
        const client = new Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.end();
        const url = new URL(postgresUrl!);
        url.searchParams.set('options', `-c search_path=${schema}`);
        return {
          url: url.toString(),
          cleanup: async () => {
            const c = new Client({ connectionString: postgresUrl });
            await c.connect();
            await c.query(`DROP SCHEMA ${schema} CASCADE`);
            await c.end();
          },
        };
      }] as [string, () => Promise<{ url: string; cleanup(): Promise<void> }>]]
    : []),
];


describe.each(targets)('a process killed around its Cal.com POST (%s)', (_name, makeStore) => {
  let store: { url: string; cleanup(): Promise<void> };
  let calcom: ReturnType<typeof startCrashingCalcom>;
  let env: Record<string, string>;
  const running: ChildService[] = [];

  beforeAll(async () => {
    store = await makeStore();
    calcom = startCrashingCalcom();
    env = {
      EVENT_STORE_URL: store.url,
      CALCOM_API_URL: await calcom.listen(),
      CALCOM_EVENT_TYPE_ID: '777',
      RETELL_API_KEY: RETELL_KEY,
      CALCOM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CONFIRMATION_WAIT_MS: '200',
      RECONCILE_AFTER_MS: '1500',
      RECONCILE_INTERVAL_MS: '250',
      CALCOM_TIMEOUT_MS: '1000', // the stand-in kills the service on the POST: no timeout may answer first (0.2 s did, beside three other Jest workers)
      RESUME_AFTER_MS: '3500', // more than a create can take (3 x CALCOM_TIMEOUT_MS), as the service requires
      RESUME_INTERVAL_MS: '200',
      // Ten service starts: V8's default compiler starts each ~2 s sooner (firstHour.test.ts runs serve's default).
      PGLITE_WASM_COMPILER: 'tiered',
    };
  });
  // A test that failed left its service running; it would hold the data directory (PGlite serves one
  // process) and fail every test after it for that reason instead of its own.
  afterEach(async () => {
    const alive = running.splice(0).filter((child) => child.process.exitCode === null && child.process.signalCode === null);
    for (const child of alive) child.process.kill('SIGKILL');
    await Promise.all(alive.map((child) => child.exited));
  });
  afterAll(async () => {
    await calcom.close();
    await store.cleanup();
  });

  const crashWhileBooking = async (callId: string, time: string) => {
    const first = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(first);
    calcom.target(first);
    const attempt = post(first.url, '/retell/functions/book_appointment', { call: { call_id: callId }, args: { date: '2031-09-01', time, name: 'Crash Test' } });
    await expect(attempt).rejects.toThrow();
    expect(await first.exited).toBeNull(); // killed by signal
    return [...calcom.bookings.values()].find((b) => b.metadata.call_id === callId)!;
  };

  const events = async (url: string, bookingId: string) => {
    const response = await fetch(`${url}/bookings/${bookingId}/events`);
    return ((await response.json()) as { events: Array<{ type: string; data: { outcome?: string; purpose?: string } }> }).events;
  };
  /** Every 150 ms (each check asks a child service), for up to 60 s. */
  const waitFor = <T>(check: () => Promise<T | undefined>, what: string): Promise<T> => eventually(check, 60_000, { what, everyMs: 150 });

  it('after the POST had gone out: the resumer finds the booking at Cal.com and takes it without posting again', async () => {
    const booking = await crashWhileBooking('call_crash_resume_found', '11:00');
    const before = calcom.creates();
    const second = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(second);
    const history = await waitFor(async () => {
      const all = await events(second.url, booking.metadata.booking_ref!);
      return all.some((e) => e.type === 'CalcomBookingAccepted') ? all : undefined;
    }, 'the resumer to accept the booking');
    expect(history.slice(0, 4).map((e) => e.type)).toEqual(['BookingRequested', 'BookingResumeStarted', 'CalcomBookingSearched', 'CalcomBookingAccepted']);
    // The reconciler's window is short here (1.5 s from the request): on a slow host it may already have looked it up, nothing else.
    expect(history.slice(4).filter((e) => !(e.type === 'CalcomBookingLookedUp' && e.data.purpose === 'reconcile') && e.type !== 'BookingMarkedUnconfirmed')).toEqual([]);
    expect(history[2]!.data).toMatchObject({ purpose: 'resume', outcome: 'found' });
    expect(calcom.creates()).toBe(before); // never posted twice
    // The webhook that arrives after the restart settles it.
    const delivered = await post(second.url, '/webhooks/calcom', webhookFor(booking));
    expect(delivered.json).toMatchObject({ status: 'recorded', booking_id: booking.metadata.booking_ref, applied: ['BookingConfirmedByWebhook'] });
    const status = await post(second.url, '/retell/functions/get_booking_status', { call: { call_id: 'call_crash_resume_found' }, args: { booking_id: booking.metadata.booking_ref } });
    expect(status.json).toMatchObject({ status: 'confirmed' });
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, CHILD_SERVICE_TEST_MS);

  it('before the POST went out (killed right after BookingRequested): the resumer finds nothing at Cal.com and posts once', async () => {
    const first = await startChildService({ ...env, TEST_CRASH_POINT: 'after_booking_requested' }, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(first);
    const before = calcom.creates();
    const attempt = post(first.url, '/retell/functions/book_appointment', { call: { call_id: 'call_crash_before_post' }, args: { date: '2031-09-01', time: '12:00', name: 'Crash Test' } });
    await expect(attempt).rejects.toThrow();
    expect(await first.exited).toBeNull();
    expect(calcom.creates()).toBe(before); // nothing reached Cal.com

    const second = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(second);
    // Retell retries the function call: the retry takes the stuck booking up at once, or the resumer did, or
    // (on a loaded host) the retry joined a resume still under way and answered before Cal.com did.
    await new Promise((r) => setTimeout(r, 800));
    const retried = await post(second.url, '/retell/functions/book_appointment', { call: { call_id: 'call_crash_before_post' }, args: { date: '2031-09-01', time: '12:00', name: 'Crash Test' } });
    expect(retried.json).toMatchObject({ status: 'pending', booking_status: expect.stringMatching(/^(requested|awaiting_webhook|unconfirmed)$/) });
    // Accepted by Cal.com, not proven: awaiting its webhook, or (the reconciler's window is short here) already unconfirmed.
    await waitFor(async () => {
      const status = await post(second.url, '/retell/functions/get_booking_status', { call: { call_id: 'call_crash_before_post' }, args: { booking_id: retried.json.booking_id } });
      return /^(awaiting_webhook|unconfirmed)$/.test(status.json.booking_status) ? status : undefined;
    }, 'Cal.com\'s answer to the resumed booking');
    expect(calcom.creates()).toBe(before + 1); // posted exactly once
    // (The reconciler may already have looked it up after these: its window is short here.)
    const history = (await events(second.url, retried.json.booking_id)).map((e) => e.type);
    expect(history.slice(0, 5)).toEqual(['BookingRequested', 'BookingResumeStarted', 'CalcomBookingSearched', 'CalcomResponded', 'CalcomBookingAccepted']);
    second.process.kill('SIGTERM');
    await second.exited;
  }, CHILD_SERVICE_TEST_MS);

  it('killed right after recording a Cal.com webhook: the restarted service settles the recorded delivery, with no redelivery', async () => {
    // (It books as any process does: the crash point is only on a delivery's way.)
    const receiver = await startChildService({ ...env, TEST_CRASH_POINT: 'after_delivery_recorded' }, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(receiver);
    const booked = await post(receiver.url, '/retell/functions/book_appointment', { call: { call_id: 'call_crash_webhook' }, args: { date: '2031-09-02', time: '09:00', name: 'Crash Test' } });
    expect(booked.json).toMatchObject({ status: 'pending' });
    const webhook = webhookFor([...calcom.bookings.values()].find((b) => b.metadata.call_id === 'call_crash_webhook')!);
    await expect(post(receiver.url, '/webhooks/calcom', webhook)).rejects.toThrow();
    expect(await receiver.exited).toBeNull(); // killed by signal, after the delivery was recorded, before it was applied

    // Cal.com does not deliver it again: the next process's resumer settles it from the body it recorded.
    const second = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(second);
    const history = await waitFor(async () => {
      const all = await events(second.url, booked.json.booking_id);
      return all.some((e) => e.type === 'BookingConfirmedByWebhook') ? all : undefined;
    }, 'the delivery resumer to apply the recorded webhook');
    expect(history.filter((e) => e.type === 'BookingConfirmedByWebhook')).toHaveLength(1);
    expect(second.output.join('')).toContain('settled late, by the delivery resumer');
    const status = await post(second.url, '/retell/functions/get_booking_status', { call: { call_id: 'call_crash_webhook' }, args: { booking_id: booked.json.booking_id } });
    expect(status.json).toMatchObject({ status: 'confirmed' });
    // Settled once: the same body sent now is a redelivery that applies nothing.
    const again = await post(second.url, '/webhooks/calcom', webhook);
    expect(again.json).toMatchObject({ status: 'duplicate', applied: [] });
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, CHILD_SERVICE_TEST_MS);

  it('marks it unconfirmed through the reconciler when no webhook ever comes, never confirmed', async () => {
    const booking = await crashWhileBooking('call_crash_silent', '10:00');
    const second = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    running.push(second);
    const ask = () => post(second.url, '/retell/functions/get_booking_status', { call: { call_id: 'call_crash_silent' }, args: { booking_id: booking.metadata.booking_ref } });
    // Right after the restart it is still waiting for proof (the resumer may have found it at Cal.com), or already unconfirmed.
    expect(['requested', 'awaiting_webhook', 'unconfirmed']).toContain((await ask()).json.booking_status);
    let answer = await ask();
    // A reconciler lease held by the killed process runs out within seconds; then the next run marks it.
    for (let i = 0; i < 100 && answer.json.booking_status !== 'unconfirmed'; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      answer = await ask();
    }
    expect(answer.json).toMatchObject({ success: false, status: 'pending', booking_status: 'unconfirmed' });
    expect(second.output.join('')).toContain('"alert":"booking_unconfirmed"');
    second.process.kill('SIGTERM');
    await second.exited;
  }, CHILD_SERVICE_TEST_MS);
});

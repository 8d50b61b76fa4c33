import nock from 'nock';
import { sqlTargets } from '../support/databases';
import { freshBooking, interceptCreates, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { CALCOM_BASE, eventually, signRetell, startTestService, type TestService } from '../support/testService';
import { send } from '../security/hostile';
import { runCli } from '../support/cliProcess';

/** The truth audit through the listening server: what callers heard against what Cal.com holds. */
describe.each(sqlTargets)('the truth audit (%s)', (_name, openDb) => {
  let t: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { env: { CONFIRMATION_WAIT_MS: '0', AUDIT_INTERVAL_MS: '300' } });
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('finds a booking confirmed after the caller was told it failed, and an agent that claimed a booking it never made; each counted once', async () => {
    const raced = `call_audit_race_${Date.now()}`;
    let made: CalcomBookingJson | undefined;
    // Cal.com's unique-constraint race: 409 to us, although it did create our booking (its webhook comes later).
    interceptCreates((request) => {
      made = freshBooking(request);
      return [409, { statusCode: 409, message: 'booking_conflict_error' }];
    }, 1);
    nock(CALCOM_BASE).get('/v2/bookings').query(true).reply(200, { status: 'success', data: [], pagination: { totalItems: 0 } });
    nock(CALCOM_BASE).get('/v2/slots').query(true).reply(200, { status: 'success', data: {} });
    const told = await t.callFunction('book_appointment', { call: { call_id: raced }, args: { date: '2031-12-01', time: '10:00', name: 'Ada' } });
    expect(told.json.status).toBe('slot_unavailable');
    expect((await t.sendWebhook(webhookFor(made!))).json.applied).toEqual(['BookingConfirmedByWebhook']);

    const claimed = `call_audit_claim_${Date.now()}`;
    const analyzed = JSON.stringify({ event: 'call_analyzed', call: { call_id: claimed, transcript_object: [{ role: 'agent', content: 'Perfekt, Ihr Termin ist gebucht.' }] } });
    expect((await send(t.url, '/webhooks/retell', { body: analyzed, headers: { 'x-retell-signature': signRetell(analyzed) } })).status).toBe(200);

    const report = await t.get(`/audit?from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`);
    expect(report.status).toBe(200);
    expect(report.json.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'confirmed_but_told_failed', callId: raced, bookingId: told.json.booking_id }),
        expect.objectContaining({ kind: 'agent_claimed_booking_without_call', callId: claimed }),
      ]),
    );
    // The service's own auditor records each finding once: counted and alerted, however often it runs.
    const counted = async () => {
      const text = (await t.get('/metrics', { token: null, accept: 'text/plain' })).text;
      return /truth_audit_findings_total\{finding="confirmed_but_told_failed"\} 1\n/.test(text) && /truth_audit_findings_total\{finding="agent_claimed_booking_without_call"\} 1\n/.test(text);
    };
    await eventually(counted, 10_000);
    await new Promise((r) => setTimeout(r, 700)); // two more audit rounds
    expect(await counted()).toBe(true);
    expect(t.logs.join('')).toMatch(/"alert":"truth_audit_finding".*"kind":"confirmed_but_told_failed"/);

    const cli = await runCli(['audit', '--format', 'md', '--url', t.url, '--token', 'admin-token-0123456789abcdef'], {});
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('| confirmed_but_told_failed |');
  }, 60_000);
});

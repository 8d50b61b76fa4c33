import nock from 'nock';
import { sqlTargets } from '../support/databases';
import { freshBooking, interceptCreates, type CalcomBookingJson } from '../support/fakeCalcom';
import { CALCOM_BASE, eventually, startTestService, testClock, type TestService } from '../support/testService';

describe.each(sqlTargets)('the reconciler (%s)', (_name, openDb) => {
  let t: TestService;
  const clock = testClock('2031-01-10T09:00:00.000Z');
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { now: clock.now, env: { CONFIRMATION_WAIT_MS: '100', RECONCILE_AFTER_MS: '900000' } });
  });
  afterAll(() => t.stop());

  it('looks up a booking that never got its webhook, records what Cal.com says, and marks it unconfirmed', async () => {
    let booking: CalcomBookingJson | undefined;
    interceptCreates((request) => [201, { status: 'success', data: (booking = freshBooking(request, clock.now())) }], 1);
    const { json } = await t.callFunction('book_appointment', { call: { call_id: 'call_never_webhook' }, args: { date: '2031-02-01', time: '10:00', name: 'Quiet' } });
    expect(json.status).toBe('pending');
    await eventually(async () => (await t.get(`/appointments?call_id=call_never_webhook`)).json.appointments[0]?.status === 'awaiting_webhook');

    // Inside the window nothing happens.
    clock.advance(10 * 60_000);
    expect((await t.service.reconciler.runOnce()).markedUnconfirmed).toEqual([]);

    // After it, Cal.com is asked (GET /v2/bookings/{uid}) and the booking is marked unconfirmed, not confirmed.
    clock.advance(6 * 60_000);
    const lookup = nock(CALCOM_BASE).get(`/v2/bookings/${booking!.uid}`).reply(200, { status: 'success', data: booking });
    const report = await t.service.reconciler.runOnce();
    expect(report.markedUnconfirmed).toEqual([json.booking_id]);
    expect(lookup.isDone()).toBe(true);

    const events = (await t.get(`/bookings/${json.booking_id}/events`)).json.events;
    expect(events.slice(-2)).toMatchObject([
      { type: 'CalcomBookingLookedUp', data: { outcome: 'found', calcomStatus: 'accepted', metadataCallId: 'call_never_webhook', uid: booking!.uid } },
      { type: 'BookingMarkedUnconfirmed', data: { previousStatus: 'awaiting_webhook' } },
    ]);
    expect((await t.get('/metrics', { token: null })).text).toMatch(/booking_ledger_bookings_unconfirmed_total 1/);
    expect(t.logs.join('')).toContain('"alert":"booking_unconfirmed"');

    // A second run finds nothing more to do.
    await eventually(async () => (await t.get(`/appointments?call_id=call_never_webhook`)).json.appointments[0]?.status === 'unconfirmed');
    expect((await t.service.reconciler.runOnce()).checked).toBe(0);
  });
});

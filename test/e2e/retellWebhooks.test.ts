import nock from 'nock';
import { callStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { freshBooking, interceptCreates } from '../support/fakeCalcom';
import { CALCOM_BASE, eventually, signRetell, startTestService, type TestService } from '../support/testService';
import { send } from '../security/hostile';

/**
 * Retell's call webhooks, shaped as Retell documents them (docs.retellai.com/features/webhook: `{ event,
 * call }` where call is the Get Call object; call_ended has everything but call_analysis; retried up to 3
 * times after 10 s without a 2xx).
 */
const callObject = (callId: string, extra: Record<string, unknown> = {}) => ({
  call_type: 'phone_call',
  from_number: '+4917612345678',
  to_number: '+4930123456',
  direction: 'inbound',
  call_id: callId,
  agent_id: 'agent_practice_1',
  call_status: 'ended',
  start_timestamp: 1796160000000,
  end_timestamp: 1796160120000,
  disconnection_reason: 'user_hangup',
  transcript: 'Agent: Guten Tag …',
  ...extra,
});

describe.each(sqlTargets)('POST /webhooks/retell (%s)', (_name, openDb) => {
  let t: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { env: { CONFIRMATION_WAIT_MS: '0' } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.stop();
    nock.enableNetConnect();
  });

  const deliver = (body: unknown, signature?: string) => {
    const raw = JSON.stringify(body);
    return send(t.url, '/webhooks/retell', { body: raw, headers: { 'x-retell-signature': signature ?? signRetell(raw) } });
  };

  it('records call_started, call_ended and call_analyzed once each, attached to the call; retries change nothing', async () => {
    const callId = `call_hooks_${Date.now()}`;
    const started = { call_status: 'ongoing', end_timestamp: undefined, disconnection_reason: undefined, transcript: undefined };
    for (const event of ['call_started', 'call_ended', 'call_analyzed']) {
      const call = callObject(callId, event === 'call_started' ? started : event === 'call_analyzed' ? { call_analysis: { call_successful: true } } : {});
      expect((await deliver({ event, call })).json).toMatchObject({ status: 'recorded', event, call_id: callId });
      expect((await deliver({ event, call })).json).toMatchObject({ status: 'duplicate' });
    }
    const stream = await t.service.stores.eventStore.readStream(callStreamId(callId));
    expect(stream.map((e) => (e.data as { event: string }).event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    expect(stream[0]).toMatchObject({ metadata: { callId }, data: { agentId: 'agent_practice_1', fromNumberMasked: '+49176•••••678' } });
    const timeline = await t.get(`/incidents/timeline?call_id=${callId}`);
    expect(timeline.json.calls[0].entries.map((e: { meaning: string }) => e.meaning)).toEqual(['Retell call_started from +49176•••••678', 'Retell call_ended (user_hangup) from +49176•••••678', 'Retell call_analyzed (user_hangup) from +49176•••••678']);
    expect(t.logs.join('')).not.toContain('4917612345678');
  });

  it('on call_ended looks up at once every booking of the call still without proof, and alerts', async () => {
    const callId = `call_ended_unproven_${Date.now()}`;
    let uid = '';
    interceptCreates((request) => {
      const booking = freshBooking(request);
      uid = booking.uid;
      return [201, { status: 'success', data: booking }];
    }, 1);
    const booked = await t.callFunction('book_appointment', { call: { call_id: callId }, args: { date: '2031-11-03', time: '10:00', name: 'Ada' } });
    expect(booked.json.booking_status).toBe('awaiting_webhook');
    await eventually(async () => (await t.get(`/appointments?call_id=${callId}`)).json.appointments.length === 1);
    nock(CALCOM_BASE).get(`/v2/bookings/${uid}`).reply(200, { status: 'success', data: { id: 1, uid, status: 'accepted', start: '2031-11-03T09:00:00.000Z', metadata: { call_id: callId }, attendees: [] } });
    const res = await deliver({ event: 'call_ended', call: callObject(callId) });
    expect(res.json).toMatchObject({ status: 'recorded', looked_up: [booked.json.booking_id] });
    const events = (await t.get(`/bookings/${booked.json.booking_id}/events`)).json.events;
    expect(events.at(-1)).toMatchObject({ type: 'CalcomBookingLookedUp', data: { purpose: 'call_ended', outcome: 'found', calcomStatus: 'accepted', metadataCallId: callId } });
    expect(t.logs.join('')).toMatch(/"alert":"booking_unproven_at_call_end".*"calcomHasOurCallId":true/);
    await eventually(async () => (await t.get(`/appointments?call_id=${callId}`)).json.appointments[0].calcom?.metadataCallIdMatches === true);
    const metrics = await t.get('/metrics', { token: null, accept: 'text/plain' });
    expect(metrics.text).toMatch(/booking_ledger_bookings_unproven_at_call_end_total [1-9]/);
  });

  it('refuses a bad signature (401) and an unreadable body (400); ignores events it does not record', async () => {
    expect((await deliver({ event: 'call_ended', call: callObject('call_x') }, 'v=1,d=' + 'a'.repeat(64))).status).toBe(401);
    expect((await send(t.url, '/webhooks/retell', { body: '{"event":', headers: { 'x-retell-signature': signRetell('{"event":') } })).status).toBe(400);
    expect((await deliver({ event: 'call_started', call: {} })).status).toBe(400);
    expect((await deliver({ event: 'transcript_updated', call: callObject('call_y') })).json).toEqual({ status: 'ignored', event: 'transcript_updated' });
  });
});

import nock from 'nock';
import { agentAnswerSchema } from '../../src/application/agentAnswer';
import { sqlTargets } from '../support/databases';
import { freshBooking, interceptCreates, interceptSlots, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { CALCOM_BASE, eventually, startTestService, type TestService } from '../support/testService';
import { parseMetrics, valueOf } from './promText';

/**
 * Drives real flows through the HTTP server (Cal.com mocked with nock) and reads GET /metrics:
 * every business metric is updated on its path, with the labels dashboards and alerts use.
 */
describe.each(sqlTargets)('GET /metrics after real flows (%s)', (_name, openDb) => {
  let t: TestService;
  const metrics = async () => {
    const { status, text } = await t.get('/metrics', { token: null });
    expect(status).toBe(200);
    return parseMetrics(text);
  };
  const book = async (callId: string, args: Record<string, unknown>) => {
    const { status, json } = await t.callFunction('book_appointment', { name: 'book_appointment', call: { call_id: callId }, args });
    expect(status).toBe(200);
    return agentAnswerSchema.parse(json); // the published answer schema holds for real answers
  };

  let booking: CalcomBookingJson;
  let first: ReturnType<typeof agentAnswerSchema.parse>;
  let duplicate: ReturnType<typeof agentAnswerSchema.parse>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { env: { CONFIRMATION_WAIT_MS: '150' } });
    interceptSlots(['2031-06-02T08:00:00.000Z', '2031-06-02T09:00:00.000Z']);

    // A fresh booking (pending until its webhook), then the same slot for another call: Cal.com hands back the first booking.
    interceptCreates((request) => [201, { status: 'success', data: (booking = freshBooking(request)) }], 1);
    first = await book('call_metrics_1', { datum: '02.06.2031', uhrzeit: '09:00', name: 'Erste Anruferin' });
    interceptCreates(() => [200, { status: 'success', data: booking }], 1);
    duplicate = await book('call_metrics_2', { datum: '02.06.2031', uhrzeit: '09:00', name: 'Zweiter Anrufer' });

    // Cal.com fails with a 500: nothing booked, the caller hears "pending" (it may exist), an error is counted;
    // the search that follows finds nothing of ours.
    nock(CALCOM_BASE).post('/v2/bookings').reply(500, { status: 'error', error: { message: 'boom' } });
    nock(CALCOM_BASE).get('/v2/bookings').query(true).reply(200, { status: 'success', data: [], pagination: { totalItems: 0 } });
    await book('call_metrics_3', { date: '2031-06-03', time: '10:00', name: 'Third' });

    // Arguments missing: answered invalid_input.
    await book('call_metrics_4', { name: 'Nobody' });

    // Webhooks: mismatch, applied, redelivered, bad signature, unreadable, orphan, ignored trigger.
    const mismatch = webhookFor({ ...booking, metadata: { ...booking.metadata, call_id: 'call_someone_else' } });
    expect((await t.sendWebhook(mismatch)).json.applied).toEqual(['WebhookMismatchRecorded']);
    const created = webhookFor(booking);
    expect((await t.sendWebhook(created)).json.applied).toEqual(['BookingConfirmedByWebhook']);
    expect((await t.sendWebhook(created)).json.status).toBe('duplicate');
    expect((await t.sendWebhook(created, { signature: 'ab'.repeat(32) })).status).toBe(401);
    expect((await t.sendWebhook({ triggerEvent: 'BOOKING_CREATED', createdAt: 'yesterday', payload: {} })).status).toBe(400);
    expect((await t.sendWebhook(webhookFor({ ...booking, uid: 'uid-of-someone-else', metadata: {} }))).json.orphan).toBe('no_booking');
    expect((await t.sendWebhook({ triggerEvent: 'MEETING_ENDED', createdAt: new Date().toISOString(), payload: {} })).json.orphan).toBe('ignored_trigger');
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('counts book_appointment answers by status', async () => {
    expect(first.status).toBe('pending');
    expect(duplicate.status).toBe('duplicate');
    const samples = await metrics();
    expect(valueOf(samples, 'booking_ledger_bookings_answered_total', { status: 'pending', practice: 'default' })).toBe(2);
    expect(valueOf(samples, 'booking_ledger_bookings_answered_total', { status: 'duplicate', practice: 'default' })).toBe(1);
    expect(valueOf(samples, 'booking_ledger_bookings_answered_total', { status: 'invalid_input', practice: 'default' })).toBe(1);
  });

  it('counts each reason of a detected duplicate once', async () => {
    const events = (await t.get(`/bookings/${duplicate.booking_id}/events`)).json.events as Array<{ type: string; data: { reasons?: string[] } }>;
    const reasons = events.find((e) => e.type === 'DuplicateDetected')!.data.reasons!;
    expect(reasons).toEqual(expect.arrayContaining(['metadata_call_id_mismatch', 'uid_already_claimed']));
    const samples = await metrics();
    for (const reason of reasons) expect(valueOf(samples, 'booking_ledger_duplicates_detected_total', { reason })).toBe(1);
    expect(samples.filter((s) => s.name === 'booking_ledger_duplicates_detected_total')).toHaveLength(reasons.length);
  });

  it('counts webhook deliveries by result', async () => {
    const samples = await metrics();
    const deliveries = (result: string) => valueOf(samples, 'booking_ledger_webhook_deliveries_total', { result });
    expect(deliveries('applied')).toBe(1);
    expect(deliveries('duplicate')).toBe(1);
    expect(deliveries('bad_signature')).toBe(1);
    expect(deliveries('invalid')).toBe(1);
    expect(deliveries('orphan')).toBe(1);
    expect(deliveries('ignored')).toBe(1); // MEETING_ENDED
    expect(deliveries('mismatch')).toBe(1);
  });

  it('records Cal.com latency by operation and outcome, and Cal.com errors by reason', async () => {
    const samples = await metrics();
    const count = (labels: Record<string, string>) => valueOf(samples, 'booking_ledger_calcom_request_seconds_count', labels);
    expect(count({ operation: 'create', outcome: 'answered' })).toBe(2);
    expect(count({ operation: 'create', outcome: 'unreachable' })).toBe(1);
    expect(count({ operation: 'slots', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'booking_ledger_calcom_request_seconds_sum', { operation: 'create', outcome: 'answered' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'booking_ledger_calcom_errors_total', { operation: 'create', reason: 'server_error' })).toBe(1);
    expect(valueOf(samples, 'booking_ledger_calcom_errors_total', { operation: 'create', reason: 'answered' })).toBeUndefined();
    expect(count({ operation: 'find', outcome: 'ok' })).toBe(1);
  });

  it('reports the projection lag, 0 once the read model has caught up (measured periodically, not only by /readyz)', async () => {
    await eventually(async () => (await t.get('/appointments?call_id=call_metrics_1')).json.appointments[0]?.status === 'confirmed');
    const lag = await eventually(async () => {
      const value = valueOf(await metrics(), 'booking_ledger_projection_lag_seconds', { projection: 'appointments' });
      return value === 0 ? { value } : undefined;
    }, 5000);
    expect(lag.value).toBe(0);
  });
});

import nock from 'nock';
import { webhookStreamId } from '../../src/domain';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import { sqlTargets } from '../support/databases';
import { freshBooking, webhookFor, type CalcomBookingJson, type CreateRequest } from '../support/fakeCalcom';
import { CALCOM_BASE, eventually, startTestService, type TestService } from '../support/testService';
import { send, signCalcomBytes, signRetellBytes } from './hostile';

/**
 * Signed but hostile: each attack below once worked against the service (issue "Integrity against
 * signed-but-hostile input"). A valid signature proves who sent a request, not that it is sane.
 */
describe.each(sqlTargets)('integrity under signed, hostile requests (%s)', (_name, openDb) => {
  let shared: SqlDatabase;
  let t: TestService;
  let second: TestService;
  const created: CalcomBookingJson[] = [];
  const cancelled: string[] = [];
  let n = 0;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock(CALCOM_BASE)
      .persist()
      .post('/v2/bookings')
      .reply(201, (_uri, body) => {
        const booking = freshBooking(body as CreateRequest);
        created.push(booking);
        return { status: 'success', data: booking };
      })
      .post(/\/v2\/bookings\/[^/]+\/cancel$/)
      .reply(200, (uri) => {
        cancelled.push(decodeURIComponent(uri.split('/')[3]!));
        return { status: 'success', data: {} };
      })
      .get(/\/v2\/bookings\/[^/]+$/)
      .reply(404, { status: 'error', error: { code: 'NotFoundException', message: 'Booking not found' } })
      .get('/v2/slots')
      .query(true)
      .reply(200, { status: 'success', data: {} });
    shared = await openDb();
    // Two instances on one database: what one accepted, the other knows.
    const keepOpen = async () => ({ ...shared, close: async () => undefined });
    t = await startTestService(keepOpen, { env: { CONFIRMATION_WAIT_MS: '0' } });
    second = await startTestService(keepOpen, { env: { CONFIRMATION_WAIT_MS: '0' } });
  });
  afterAll(async () => {
    await second.stop();
    await t.stop();
    await shared.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const signedPost = (service: TestService, fn: string, raw: string, signature = signRetellBytes(raw)) =>
    send(service.url, `/retell/functions/${fn}`, { body: raw, headers: { 'x-retell-signature': signature } });
  const book = async (call: Record<string, unknown>) => {
    n += 1;
    const raw = JSON.stringify({ name: 'book_appointment', call, args: { date: '2031-07-01', time: `${8 + (n % 9)}:${n % 2 ? '30' : '00'}`, name: 'Victim Caller' } });
    const answer = await signedPost(t, 'book_appointment', raw);
    expect(answer.json.status).toBe('pending');
    return { raw, bookingId: answer.json.booking_id as string, booking: created.at(-1)! };
  };
  const confirm = async (booking: CalcomBookingJson) => expect((await t.sendWebhook(webhookFor(booking))).json.applied).toEqual(['BookingConfirmedByWebhook']);
  const statusOf = async (callId: string, bookingId: string) =>
    (await signedPost(t, 'get_booking_status', JSON.stringify({ name: 'get_booking_status', call: { call_id: callId }, args: { booking_id: bookingId } }))).json;

  describe('1. a signature is bound to one function', () => {
    it('refuses a captured book_appointment body replayed to cancel_appointment (its name is not the route)', async () => {
      const victim = `call_victim_${Date.now()}`;
      const { raw, bookingId, booking } = await book({ call_id: victim });
      await confirm(booking);
      const replay = await signedPost(t, 'cancel_appointment', raw, signRetellBytes(raw));
      expect(replay).toMatchObject({ status: 401, json: { error: 'function_mismatch' } });
      expect(replay.json.message).toMatch(/for function "book_appointment", not "cancel_appointment"/);
      expect(cancelled).not.toContain(booking.uid);
      expect((await statusOf(victim, bookingId)).status).toBe('confirmed');
    });

    it('refuses the same signature on another function even without a name (args only), on either instance, and keeps Retell\'s retries working', async () => {
      const callId = `call_argsonly_${Date.now()}`;
      const raw = JSON.stringify({ call_id: callId, date: '2031-07-02', time: '10:00', booking_id: '00000000-0000-5000-8000-000000000000', name: 'A' });
      const signature = signRetellBytes(raw);
      expect((await signedPost(t, 'get_booking_status', raw, signature)).status).toBe(200);
      expect((await signedPost(t, 'get_booking_status', raw, signature)).status).toBe(200); // Retell retrying: same function
      for (const service of [t, second]) {
        const reused = await signedPost(service, 'cancel_appointment', raw, signature);
        expect(reused).toMatchObject({ status: 401, json: { error: 'signature_reused' } });
        expect(reused.json.message).toMatch(/already used for function "get_booking_status"/);
      }
      expect((await signedPost(second, 'get_booking_status', raw, signature)).status).toBe(200);
    });
  });

  describe('2. whose booking a call may touch', () => {
    it('never takes the call id from the args of a wrapped body', async () => {
      const owner = `call_owner_${Date.now()}`;
      const { bookingId } = await book({ call_id: owner });
      const raw = JSON.stringify({ name: 'cancel_appointment', call: { agent_id: 'agent_x' }, args: { call_id: owner, booking_id: bookingId } });
      const answer = await signedPost(t, 'cancel_appointment', raw);
      expect(answer).toMatchObject({ status: 400, json: { error: 'malformed_request' } });
      expect(answer.json.message).toMatch(/call\.call_id is required in a wrapped body/);
    });

    it('lets another call reach a booking only from the same trusted caller number, never by an id the model supplies', async () => {
      const owner = `call_first_${Date.now()}`;
      const { bookingId, booking } = await book({ call_id: owner, from_number: '+491711111111' });
      await confirm(booking);
      const ask = (call: Record<string, unknown>, fn = 'get_booking_status') =>
        signedPost(t, fn, JSON.stringify({ name: fn, call, args: { booking_id: bookingId } }));
      expect((await ask({ call_id: 'call_stranger', from_number: '+491722222222' })).json.status).toBe('not_found');
      expect((await ask({ call_id: 'call_stranger_2' })).json.status).toBe('not_found');
      expect((await ask({ call_id: 'call_stranger_3', from_number: '+491722222222' }, 'cancel_appointment')).json.status).toBe('not_found');
      expect(cancelled).not.toContain(booking.uid);
      // The same caller phoning again (national format from the carrier is normalised too).
      expect((await ask({ call_id: 'call_again', from_number: '0171 1111111' })).json).toMatchObject({ status: 'confirmed', booking_id: bookingId });
    });
  });

  describe('3 and 4. a webhook naming booking A with booking B\'s uid', () => {
    it('is a mismatch, never a confirmation; A\'s cancel never reaches B; the read model goes on', async () => {
      const [callA, callB, callAfter] = ['a', 'b', 'after'].map((x) => `call_${x}_${Date.now()}`) as [string, string, string];
      const a = await book({ call_id: callA });
      const b = await book({ call_id: callB });
      await confirm(b.booking);
      const hostile = webhookFor({ ...b.booking, metadata: { call_id: callA, booking_ref: a.bookingId } });
      const res = await t.sendWebhook(hostile);
      expect(res.json).toMatchObject({ booking_id: a.bookingId, applied: ['WebhookMismatchRecorded'] });
      const events = (await t.get(`/bookings/${a.bookingId}/events`)).json.events as Array<{ type: string; data: { reasons?: string[] } }>;
      expect(events.find((e) => e.type === 'WebhookMismatchRecorded')!.data.reasons).toEqual(['uid_owned_by_other_booking']);
      expect((await statusOf(callA, a.bookingId)).status).toBe('pending');

      const cancel = await signedPost(t, 'cancel_appointment', JSON.stringify({ name: 'cancel_appointment', call: { call_id: callA }, args: { booking_id: a.bookingId } }));
      expect(cancel.json.status).toBe('cancelled');
      expect(cancelled).toContain(a.booking.uid); // A's own booking, and only that
      expect(cancelled).not.toContain(b.booking.uid);

      // The read model keeps up for everyone: a new booking appears, /readyz is green, nothing parked.
      const next = await book({ call_id: callAfter });
      await eventually(async () => (await t.get(`/appointments?call_id=${callAfter}`)).json.appointments.length === 1);
      const ready = await t.get('/readyz', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.json.checks.find((c: { name: string }) => c.name === 'projection:appointments')).toMatchObject({ ok: true, parked: 0 });
      expect(next.bookingId).toBeDefined();
    });

    it('parks an event the read model cannot take (injected), shows it, and goes on', async () => {
      const [victimCall, intruderCall, laterCall] = ['victim_row', 'intruder', 'later'].map((x) => `call_${x}_${Date.now()}`) as [string, string, string];
      const victim = await book({ call_id: victimCall });
      await confirm(victim.booking);
      const intruder = await book({ call_id: intruderCall });
      const at = new Date().toISOString();
      // What the old code did: confirm the intruder with the victim's uid. Appended straight to the store.
      await t.service.stores.eventStore.appendToStream(`booking-${intruder.bookingId}`, [
        {
          type: 'BookingConfirmedByWebhook',
          schemaVersion: 2,
          data: { bookingId: intruder.bookingId, callId: intruderCall, occurredAt: at, uid: victim.booking.uid, deliveryId: 'forged', via: 'metadata' },
          metadata: { occurredAt: at, callId: intruderCall },
        },
      ]);
      const later = await book({ call_id: laterCall });
      await eventually(async () => (await t.get(`/appointments?call_id=${laterCall}`)).json.appointments.length === 1);
      const ready = await t.get('/readyz', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.json.checks.find((c: { name: string }) => c.name === 'projection:appointments')).toMatchObject({ ok: true, parked: 1, detail: expect.stringMatching(/1 event\(s\) parked/) });
      const parked = (await t.get('/admin/parked-events')).json.parked;
      expect(parked).toEqual([expect.objectContaining({ projection: 'appointments', type: 'BookingConfirmedByWebhook', streamId: `booking-${intruder.bookingId}`, error: expect.stringMatching(/^23505/) })]);
      // Whichever instance led the projection parked it: its metric and its alert.
      const metrics = (await Promise.all([t, second].map((s) => s.get('/metrics', { token: null, accept: 'text/plain' })))).map((m) => m.text).join('\n');
      expect(metrics).toMatch(/booking_ledger_projection_parked_events_total\{projection="appointments"\} 1/);
      expect([...t.logs, ...second.logs].join('')).toMatch(/"alert":"projection_event_parked"/);
      const timeline = await t.get(`/incidents/timeline?call_id=${intruderCall}`);
      const entries = timeline.json.calls.flatMap((c: { entries: Array<{ type: string; flags: string[]; warnings: string[] }> }) => c.entries);
      expect(entries.find((e: { type: string }) => e.type === 'BookingConfirmedByWebhook')).toMatchObject({ flags: expect.arrayContaining(['parked']) });
      expect((await t.get(`/appointments?call_id=${intruderCall}`)).json.appointments[0].status).toBe('awaiting_webhook');
      expect(later.bookingId).toBeDefined();
      // A rebuild over HTTP completes and reports the parked event.
      const rebuilt = await send(t.url, '/admin/rebuild', { body: '{}', headers: { authorization: `Bearer ${'admin-token-0123456789abcdef'}` } });
      // Failing, it shows what the service logged as warnings and errors (a 503 is an exception it caught).
      const trouble = rebuilt.status === 200 ? [] : t.logs.filter((line) => /"level":(40|50)/.test(line));
      expect({ status: rebuilt.status, trouble }).toEqual({ status: 200, trouble: [] });
      expect(rebuilt.json.rebuilt[0]).toMatchObject({ projection: 'appointments', parked: [expect.objectContaining({ type: 'BookingConfirmedByWebhook' })] });
    });
  });

  describe('5. pathological JSON', () => {
    const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

    it('answers 400 to a function call nested 5,000 deep', async () => {
      const raw = `{"call":{"call_id":"c"},"args":{"x":${deep(5000)}}}`;
      const answer = await signedPost(t, 'book_appointment', raw);
      expect(answer).toMatchObject({ status: 400, json: { error: 'malformed_json' } });
      expect(answer.json.message).toMatch(/nests deeper than 64 levels/);
    });

    it('answers 400 to a signed webhook nested 5,000 deep and keeps it verbatim, on every redelivery', async () => {
      const raw = `{"triggerEvent":"BOOKING_CREATED","createdAt":"2031-07-01T08:00:00Z","payload":{"uid":"u","x":${deep(5000)}}}`;
      for (let i = 0; i < 2; i += 1) {
        const res = await send(t.url, '/webhooks/calcom', { body: raw, headers: { 'x-cal-signature-256': signCalcomBytes(raw) } });
        expect(res).toMatchObject({ status: 400, json: { error: 'invalid_webhook' } });
        expect(res.json.message).toMatch(/nests deeper than 64 levels/);
        const [kept] = await t.service.stores.eventStore.readStream(webhookStreamId(res.json.delivery_id));
        expect(kept).toMatchObject({ type: 'CalcomWebhookRejected', data: { rawBody: raw, truncated: false } });
      }
    });
  });

  describe('7. open endpoints and slow clients', () => {
    it('sends no-store and nosniff with caller data', async () => {
      const answer = await signedPost(t, 'get_booking_status', JSON.stringify({ name: 'get_booking_status', call: { call_id: 'call_h' }, args: { booking_id: 'x' } }));
      const rows = await send(t.url, '/appointments?call_id=call_h', { method: 'GET', headers: { authorization: 'Bearer admin-token-0123456789abcdef' } });
      for (const r of [answer, rows]) {
        expect(r.headers.get('cache-control')).toBe('no-store');
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });
  });

  describe('8. plausibility', () => {
    it('refuses year 9999 and a name of zero-width spaces with a speakable answer; nothing is posted', async () => {
      const before = created.length;
      const far = await signedPost(t, 'book_appointment', JSON.stringify({ name: 'book_appointment', call: { call_id: 'call_far' }, args: { date: '9999-12-31', time: '10:00', name: 'Ada' } }));
      expect(far.json).toMatchObject({ status: 'invalid_input', problems: ['9999-12-31 is more than 3650 days ahead'] });
      expect(far.json.message).toBe('So weit im Voraus kann ich leider nicht buchen, höchstens 3650 Tage. Welcher frühere Termin passt Ihnen?');
      const blank = await signedPost(t, 'book_appointment', JSON.stringify({ name: 'book_appointment', call: { call_id: 'call_blank' }, args: { date: '2031-07-03', time: '10:00', name: '\u200b\u200b\u200b' } }));
      expect(blank.json).toMatchObject({ status: 'invalid_input', message: 'Bitte nennen Sie mir noch einmal Ihren Namen.' });
      expect(created.length).toBe(before);
    });

    it('refuses a webhook whose createdAt is not a full ISO date-time ("1")', async () => {
      const raw = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', createdAt: '1', payload: { uid: 'u1' } });
      const res = await send(t.url, '/webhooks/calcom', { body: raw, headers: { 'x-cal-signature-256': signCalcomBytes(raw) } });
      expect(res).toMatchObject({ status: 400, json: { error: 'invalid_webhook' } });
      expect(res.json.message).toMatch(/createdAt is not an ISO date-time/);
    });
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, webhookFor, type CalcomBookingJson, type CreateRequest } from '../support/fakeCalcom';
import { CALCOM_BASE, RETELL_KEY, WEBHOOK_SECRET, startTestService, type TestService } from '../support/testService';
import { expectWellFormed, send, signCalcomBytes, signRetellBytes } from './hostile';

/**
 * Who may talk to the service. Retell: `X-Retell-Signature: v=<ms>,d=<hex HMAC-SHA256(raw body + ms)>`,
 * ±5 minutes. Cal.com: `X-Cal-Signature-256: <hex HMAC-SHA256(raw body)>`. Anything else is 401 and
 * changes nothing: no Cal.com call, no event.
 *
 * Replays: Retell's scheme has no nonce, so a captured request replays within its 5-minute window
 * (and Cal.com's has no timestamp at all). That is accepted by design and harmless: a replayed
 * booking call computes the same deterministic booking id, lands on the same stream, and posts
 * nothing new to Cal.com; a replayed webhook has the same body hash and is a recorded no-op.
 */

describe('request signatures', () => {
  let t: TestService;
  const created: CalcomBookingJson[] = [];
  const calls = { create: 0, cancel: 0 };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    nock(CALCOM_BASE)
      .persist()
      .post('/v2/bookings')
      .reply(201, (_uri, body) => {
        calls.create += 1;
        const booking = freshBooking(body as CreateRequest);
        created.push(booking);
        return { status: 'success', data: booking };
      })
      .post(/\/v2\/bookings\/[^/]+\/cancel$/)
      .reply(200, () => {
        calls.cancel += 1;
        return { status: 'success', data: {} };
      })
      .get('/v2/slots')
      .query(true)
      .reply(200, { status: 'success', data: {} });
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '0' } });
  });
  beforeEach(() => {
    calls.create = 0;
    calls.cancel = 0;
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const fn = (name: string, raw: string, signature?: string) =>
    send(t.url, `/retell/functions/${name}`, { body: raw, headers: signature === undefined ? {} : { 'x-retell-signature': signature } });
  const hook = (raw: string, signature?: string) => send(t.url, '/webhooks/calcom', { body: raw, headers: signature === undefined ? {} : { 'x-cal-signature-256': signature } });
  const statusOf = async (callId: string, date: string, time: string) =>
    (await fn('get_booking_status', JSON.stringify({ call: { call_id: callId }, args: { date, time } }), signRetellBytes(JSON.stringify({ call: { call_id: callId }, args: { date, time } })))).json;

  describe('Retell functions', () => {
    const raw = '{ "name": "book_appointment",  "call": { "call_id": "call_sig_1" },\n  "args": { "date": "2031-06-02", "time": "09:00", "name": "Sig Nature" } }';
    const now = () => Date.now();
    const digest = (body: string, key: string, ts: number) => createHmac('sha256', key).update(body + ts).digest('hex');

    it('rejects forged, stale, foreign-key, re-serialised and malformed signatures with 401, and books nothing', async () => {
      const ts = now();
      const reserialised = JSON.stringify(JSON.parse(raw));
      expect(reserialised).not.toBe(raw);
      const forged: Array<[string, string | undefined]> = [
        ['missing', undefined],
        ['empty', ''],
        ['random digest', `v=${ts},d=${randomBytes(32).toString('hex')}`],
        ['stale by 6 minutes', signRetellBytes(raw, RETELL_KEY, ts - 6 * 60_000)],
        ['6 minutes in the future', signRetellBytes(raw, RETELL_KEY, ts + 6 * 60_000)],
        ['signed with another key', signRetellBytes(raw, 'key_someone_else_0123456789')],
        ['signed with the Cal.com webhook secret', signRetellBytes(raw, WEBHOOK_SECRET)],
        ['signed over re-serialised JSON, not the raw bytes', signRetellBytes(reserialised)],
        ['signed over the body plus one space', signRetellBytes(`${raw} `)],
        ['digest of another timestamp', `v=${ts},d=${digest(raw, RETELL_KEY, ts - 1)}`],
        ['timestamp in seconds', `v=${Math.floor(ts / 1000)},d=${digest(raw, RETELL_KEY, Math.floor(ts / 1000))}`],
        ['truncated digest', `v=${ts},d=${digest(raw, RETELL_KEY, ts).slice(0, 63)}`],
        ['digest with extra hex', `v=${ts},d=${digest(raw, RETELL_KEY, ts)}00`],
        ['fields swapped', `d=${digest(raw, RETELL_KEY, ts)},v=${ts}`],
        ['sha256= prefix', `sha256=${digest(raw, RETELL_KEY, ts)}`],
        ['digest alone', digest(raw, RETELL_KEY, ts)],
        ['key in clear', RETELL_KEY],
        ['trailing garbage', `v=${ts},d=${digest(raw, RETELL_KEY, ts)},x=1`],
        ['negative timestamp', `v=-${ts},d=${digest(raw, RETELL_KEY, -ts)}`],
        ['huge timestamp', `v=${'9'.repeat(30)},d=${digest(raw, RETELL_KEY, ts)}`],
      ];
      for (const [label, signature] of forged) {
        const r = await fn('book_appointment', raw, signature);
        expectWellFormed(r, label);
        expect([label, r.status, r.json.error]).toEqual([label, 401, 'invalid_signature']);
      }
      expect(calls.create).toBe(0);
      expect((await statusOf('call_sig_1', '2031-06-02', '09:00')).status).toBe('not_found');
    });

    it('accepts the raw bytes as signed, inside the ±5 minute window', async () => {
      for (const [n, skew] of [-4 * 60_000, 0, 4 * 60_000].entries()) {
        const body = raw.replace('call_sig_1', `call_sig_window_${n}`);
        const r = await fn('book_appointment', body, signRetellBytes(body, RETELL_KEY, now() + skew));
        expect([skew, r.status, r.json.status]).toEqual([skew, 200, 'pending']);
      }
      expect(calls.create).toBe(3);
    });

    it('accepts a replay of the exact signed request within the window, and it posts nothing new to Cal.com', async () => {
      const body = raw.replace('call_sig_1', 'call_sig_replay');
      const signature = signRetellBytes(body);
      const first = await fn('book_appointment', body, signature);
      expect(first.json).toMatchObject({ status: 'pending' });
      const replays = [await fn('book_appointment', body, signature), ...(await Promise.all(Array.from({ length: 5 }, () => fn('book_appointment', body, signature))))];
      for (const replay of replays) expect(replay).toMatchObject({ status: 200, json: { status: 'pending', booking_id: first.json.booking_id } });
      expect(calls.create).toBe(1);

      // Once Cal.com's webhook proved it, a replay says so, and still posts nothing.
      const booking = created.find((b) => b.metadata.booking_ref === first.json.booking_id)!;
      const webhook = JSON.stringify(webhookFor(booking)); // once: webhookFor stamps the current time
      expect((await hook(webhook, signCalcomBytes(webhook))).status).toBe(200);
      expect((await fn('book_appointment', body, signature)).json).toMatchObject({ status: 'confirmed', booking_id: first.json.booking_id });
      expect(calls.create).toBe(1);

      // A replayed cancellation cancels once on Cal.com.
      const cancel = JSON.stringify({ call: { call_id: 'call_sig_replay' }, args: { booking_id: first.json.booking_id } });
      const cancelSignature = signRetellBytes(cancel);
      for (let i = 0; i < 3; i += 1) expect((await fn('cancel_appointment', cancel, cancelSignature)).json.status).toBe('cancelled');
      expect(calls.cancel).toBe(1);
      const history = await t.get(`/bookings/${first.json.booking_id}/events`);
      const types = history.json.events.map((e: { type: string }) => e.type);
      expect(types.filter((type: string) => type === 'BookingRequested')).toHaveLength(1);
      expect(types.filter((type: string) => type === 'BookingCancelled')).toHaveLength(1);
    });
  });

  describe('Cal.com webhooks', () => {
    let booking: CalcomBookingJson;
    let callId: string;
    beforeAll(async () => {
      callId = 'call_sig_webhook';
      const body = JSON.stringify({ call: { call_id: callId }, args: { date: '2031-06-03', time: '11:00', name: 'Hook Sig' } });
      const booked = await fn('book_appointment', body, signRetellBytes(body));
      booking = created.find((b) => b.metadata.booking_ref === booked.json.booking_id)!;
    });

    it('rejects forged, foreign-secret, re-serialised and malformed signatures with 401 and records nothing', async () => {
      const raw = JSON.stringify(webhookFor(booking), null, 2);
      const reserialised = JSON.stringify(JSON.parse(raw));
      const good = signCalcomBytes(raw);
      const forged: Array<[string, string | undefined]> = [
        ['missing', undefined],
        ['empty', ''],
        ['random', randomBytes(32).toString('hex')],
        ['another secret', signCalcomBytes(raw, 'whsec_someone_else_0123')],
        ['the Retell key as secret', signCalcomBytes(raw, RETELL_KEY)],
        ['re-serialised JSON', signCalcomBytes(reserialised)],
        ['sha256= prefix', `sha256=${good}`],
        ['truncated', good.slice(0, 63)],
        ['extra hex', `${good}00`],
        ['base64 instead of hex', Buffer.from(good, 'hex').toString('base64')],
        ['secret in clear', WEBHOOK_SECRET],
      ];
      for (const [label, signature] of forged) {
        const r = await hook(raw, signature);
        expectWellFormed(r, label);
        expect([label, r.status, r.json.error]).toEqual([label, 401, 'invalid_signature']);
      }
      // Nothing was recorded: the same body correctly signed is a first delivery, not a duplicate.
      expect((await statusOf(callId, '2031-06-03', '11:00')).status).toBe('pending');
      const real = await hook(raw, good);
      expect(real).toMatchObject({ status: 200, json: { status: 'recorded', applied: ['BookingConfirmedByWebhook'] } });
      expect((await statusOf(callId, '2031-06-03', '11:00')).status).toBe('confirmed');

      // A replay of the authentic delivery is accepted and changes nothing.
      expect(await hook(raw, good)).toMatchObject({ status: 200, json: { status: 'duplicate', applied: [] } });
      // Uppercase hex is the same signature.
      expect(await hook(raw, good.toUpperCase())).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    });
  });
});

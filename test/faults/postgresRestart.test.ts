import nock from 'nock';
import { openPgDatabase } from '../../src/adapters/sql/pgDatabase';
import { bookingStreamId, webhookStreamId } from '../../src/domain';
import { freshBooking, interceptCreates, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { canRunTempPostgres, startTempPostgres } from '../support/tempPostgres';
import { eventually, startTestService, type TestService } from '../support/testService';

const describeIfPostgres = canRunTempPostgres() ? describe : describe.skip;

describeIfPostgres('PostgreSQL restarted in the middle of traffic', () => {
  let pg: Awaited<ReturnType<typeof startTempPostgres>>;
  let t: TestService;
  const created = new Map<string, CalcomBookingJson>();

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    pg = await startTempPostgres();
    t = await startTestService(() => openPgDatabase(pg.url, { connectionTimeoutMillis: 2000 }), { env: { CONFIRMATION_WAIT_MS: '50' } });
    interceptCreates((request) => {
      const booking = freshBooking(request);
      created.set(request.metadata.call_id!, booking);
      return [201, { status: 'success', data: booking }];
    }, 1000);
  }, 60_000);
  afterAll(async () => {
    await t?.stop().catch(() => undefined);
    pg?.stop();
  });

  it('completes every request or answers a clear retryable error; loses no acknowledged event; the projection catches up', async () => {
    const calls = Array.from({ length: 48 }, (_, i) => `call_pgrestart_${i}`);
    const results: Array<{ callId: string; status: number; json: any; webhook?: { status: number; json: any } }> = [];
    let restarted: Promise<void> | undefined;
    const worker = async (mine: string[]) => {
      for (const callId of mine) {
        const i = calls.indexOf(callId);
        if (i >= 16 && !restarted) restarted = pg.restart('immediate');
        const answer = await t.callFunction('book_appointment', { call: { call_id: callId }, args: { date: '2031-05-05', time: `${8 + (i % 10)}:${i % 2 ? '30' : '00'}`, name: 'Restart' } });
        const booking = created.get(callId);
        const webhook = booking && answer.status === 200 ? await t.sendWebhook(webhookFor(booking)) : undefined;
        results.push({ callId, status: answer.status, json: answer.json, webhook });
      }
    };
    await Promise.all([0, 1, 2, 3].map((w) => worker(calls.filter((_, i) => i % 4 === w))));

    await restarted;
    expect(restarted).toBeDefined();
    for (const r of results) {
      expect([200, 503]).toContain(r.status);
      if (r.status === 503) expect(r.json).toMatchObject({ retryable: true, message: expect.any(String) });
      if (r.webhook) expect([200, 503]).toContain(r.webhook.status);
    }
    expect(results.some((r) => r.status === 503 || (r.webhook && r.webhook.status === 503))).toBe(true); // the restart was felt

    // Every acknowledged answer and webhook is still in the store after the restart.
    const store = t.service.stores.eventStore;
    for (const r of results.filter((x) => x.status === 200)) {
      expect((await store.readStream(bookingStreamId(r.json.booking_id))).length).toBeGreaterThan(0);
      if (r.webhook?.status === 200) expect((await store.readStream(webhookStreamId(r.webhook.json.delivery_id))).length).toBeGreaterThan(0);
    }

    // Retrying what failed now succeeds, and never says confirmed without its webhook.
    for (const r of results.filter((x) => x.status === 503)) {
      const retry = await t.callFunction('book_appointment', { call: { call_id: r.callId }, args: { date: '2031-05-05', time: `${8 + (calls.indexOf(r.callId) % 10)}:${calls.indexOf(r.callId) % 2 ? '30' : '00'}`, name: 'Restart' } });
      expect(retry.status).toBe(200);
      expect(['pending', 'confirmed']).toContain(retry.json.status);
    }

    // The projection catches up with every booking.
    await eventually(async () => {
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bl_appointments');
      return rows[0]!.n === calls.length;
    }, 30_000);
  }, 120_000);
});

import nock from 'nock';
import { openIsolatedPostgres, postgresUrl } from '../support/databases';
import { freshBooking, interceptCreates, webhookFor } from '../support/fakeCalcom';
import { startTestService, type TestService } from '../support/testService';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';

/**
 * Two service instances on one PostgreSQL: the booking is asked for on one, Cal.com's webhook lands on
 * the other. The waiting request is woken by the webhook's append (LISTEN/NOTIFY), not by polling: the
 * slow poll is set longer than the whole wait, so only the append (or the deadline) can end it.
 */
const describeOnPostgres = postgresUrl ? describe : describe.skip;

describeOnPostgres('many instances on one PostgreSQL', () => {
  let db: SqlDatabase;
  let a: TestService;
  let b: TestService;
  const env = { CONFIRMATION_WAIT_MS: '8000', CONFIRMATION_POLL_MS: '600000' };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    db = await openIsolatedPostgres();
    // Both instances share the database; it is closed once, at the end.
    const shared = async (): Promise<SqlDatabase> => ({ ...db, close: async () => undefined });
    a = await startTestService(shared, { env });
    b = await startTestService(shared, { env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('a webhook that lands on another instance wakes the request waiting on this one', async () => {
    const callId = `call_instances_${Date.now()}`;
    interceptCreates((request) => {
      const booking = freshBooking(request);
      setTimeout(() => void b.sendWebhook(webhookFor(booking)), 1000); // once a has recorded the answer and waits, even on a loaded host
      return [201, { status: 'success', data: booking }];
    }, 1);
    const answer = await a.callFunction('book_appointment', { call: { call_id: callId }, args: { date: '2031-06-02', time: '09:00', name: 'Erika Mustermann' } });
    expect(answer.json).toMatchObject({ status: 'confirmed' });
    const answered = a.logs.map((line) => JSON.parse(line)).find((l) => l.msg === 'book_appointment answered' && l.callId === callId);
    expect(answered).toMatchObject({ status: 'confirmed', wokenBy: 'append' });
    // The webhook was recorded by the other instance.
    expect(b.logs.some((line) => line.includes('Cal.com webhook recorded'))).toBe(true);
    expect(a.logs.some((line) => line.includes('Cal.com webhook recorded'))).toBe(false);
  });
});

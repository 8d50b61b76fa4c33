import nock from 'nock';
import { sqlTargets } from '../support/databases';
import { freshBooking, interceptCreates, interceptSlots, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { eventually, startTestService, type TestService } from '../support/testService';

const future = '2031-03-14';
const book = (callId: string, name: string, time = '10:00', extra: Record<string, unknown> = {}) => ({
  name: 'book_appointment',
  call: { call_id: callId },
  args: { date: future, time, name, service: 'Consultation', ...extra },
});

describe.each(sqlTargets)('book_appointment under retries and races (%s)', (_name, openDb) => {
  let t: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { env: { CONFIRMATION_WAIT_MS: '300' } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.stop();
    nock.enableNetConnect();
  });

  it('turns 20 identical concurrent deliveries of one function call into exactly one Cal.com POST and one answer', async () => {
    const created: CalcomBookingJson[] = [];
    const seen = interceptCreates(async (request) => {
      await new Promise((r) => setTimeout(r, 100)); // Cal.com takes a moment: the retries pile up meanwhile
      const booking = freshBooking(request);
      created.push(booking);
      return [201, { status: 'success', data: booking }];
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.callFunction('book_appointment', book('call_retry_20', 'Ada Lovelace'))));

    expect(seen).toHaveLength(1);
    expect(new Set(answers.map((a) => `${a.status}|${a.json.status}|${a.json.booking_id}`))).toEqual(new Set([`200|pending|${answers[0]!.json.booking_id}`]));
    expect(seen[0]!.metadata).toEqual({ call_id: 'call_retry_20', booking_ref: answers[0]!.json.booking_id });

    // A later retry (Retell's third delivery) still posts nothing and, once the webhook came, says confirmed.
    expect((await t.sendWebhook(webhookFor(created[0]!))).status).toBe(200);
    const retry = await t.callFunction('book_appointment', book('call_retry_20', 'Ada Lovelace'));
    expect(retry.json).toMatchObject({ status: 'confirmed', booking_id: answers[0]!.json.booking_id });
    expect(seen).toHaveLength(1);
  });

  it('lets at most one of two callers for the same slot end confirmed when Cal.com refuses the second', async () => {
    interceptSlots(['2031-03-14T10:00:00.000Z']);
    const bookings = new Map<string, CalcomBookingJson>();
    const seen = interceptCreates((request) => {
      const taken = bookings.get(request.start);
      if (taken) return [400, { status: 'error', error: { code: 'BadRequestException', message: 'User either already has booking at this time or is not available' } }];
      const booking = freshBooking(request);
      bookings.set(request.start, booking);
      return [201, { status: 'success', data: booking }];
    });
    const [a, b] = await Promise.all([
      t.callFunction('book_appointment', book('call_race_a', 'Grace Hopper', '11:00')),
      t.callFunction('book_appointment', book('call_race_b', 'Alan Turing', '11:00')),
    ]);
    expect(seen).toHaveLength(2);
    const winner = [...bookings.values()][0]!;
    await t.sendWebhook(webhookFor(winner));
    const statusOf = async (callId: string, bookingId: string) =>
      (await t.callFunction('get_booking_status', { call: { call_id: callId }, args: { booking_id: bookingId } })).json.status;
    const statuses = [await statusOf('call_race_a', a.json.booking_id), await statusOf('call_race_b', b.json.booking_id)];
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(1);
    expect(statuses).toContain('slot_unavailable');
    expect([a.json.status, b.json.status]).toContain('slot_unavailable');
  });

  it('never confirms both callers even when Cal.com hands both the same booking', async () => {
    let shared: CalcomBookingJson | undefined;
    interceptSlots([]); // the duplicate answer looks up alternatives
    interceptCreates((request) => {
      shared ??= freshBooking(request);
      return [201, { status: 'success', data: shared }];
    });
    const [a, b] = await Promise.all([
      t.callFunction('book_appointment', book('call_same_a', 'Katherine Johnson', '12:00')),
      t.callFunction('book_appointment', book('call_same_b', 'Dorothy Vaughan', '12:00')),
    ]);
    await t.sendWebhook(webhookFor(shared!));
    const final = await Promise.all(
      [['call_same_a', a], ['call_same_b', b]].map(async ([callId, answer]) => (await t.callFunction('get_booking_status', { call: { call_id: callId }, args: { booking_id: (answer as { json: { booking_id: string } }).json.booking_id } })).json.status),
    );
    expect(final.sort()).toEqual(['confirmed', 'duplicate']);
    const rows = await eventually(async () => {
      const { json } = await t.get(`/appointments?booking_uid=${shared!.uid}`);
      return json.appointments.length === 2 && json.appointments.every((r: { status: string }) => ['confirmed', 'duplicate'].includes(r.status)) && json.appointments;
    });
    expect(rows.filter((r: { status: string }) => r.status === 'confirmed')).toHaveLength(1);
  });

  it('gives each caller without email or phone an attendee address of their own', async () => {
    const seen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    await t.callFunction('book_appointment', book('call_noemail_1', 'Emmy Noether', '13:00'));
    await t.callFunction('book_appointment', book('call_noemail_2', 'Lise Meitner', '13:30'));
    const emails = seen.map((r) => r.attendee.email);
    expect(emails[0]).toMatch(/^call-call_noemail_1@/);
    expect(new Set(emails).size).toBe(2);
  });

  it('sends the caller’s phone number in E.164 and the per-call placeholder email when there is no email', async () => {
    const seen = interceptCreates((request) => [201, { status: 'success', data: freshBooking(request) }]);
    await t.callFunction('book_appointment', book('call_phone', 'Marie Curie', '14:00', { phone: '030 1234567' }));
    expect(seen[0]!.attendee).toMatchObject({ name: 'Marie Curie', phoneNumber: '+49301234567', email: 'call-call_phone@calls.booking-ledger.invalid', timeZone: 'Europe/Berlin' });
  });
});

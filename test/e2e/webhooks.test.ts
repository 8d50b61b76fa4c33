import nock from 'nock';
import { webhookStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { freshBooking, interceptCreates, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { CALCOM_BASE, eventually, startTestService, type TestService } from '../support/testService';

describe.each(sqlTargets)('POST /webhooks/calcom (%s)', (_name, openDb) => {
  let t: TestService;
  let n = 0;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { env: { CONFIRMATION_WAIT_MS: '150' } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.stop();
    nock.enableNetConnect();
  });

  /** Books a slot for a fresh call; Cal.com answers with a new booking but sends no webhook yet. */
  const booked = async (): Promise<{ callId: string; bookingId: string; booking: CalcomBookingJson }> => {
    n += 1;
    const callId = `call_wh_${n}_${Date.now()}`;
    let booking: CalcomBookingJson | undefined;
    interceptCreates((request) => [201, { status: 'success', data: (booking = freshBooking(request)) }], 1);
    const { json } = await t.callFunction('book_appointment', { call: { call_id: callId }, args: { date: '2031-06-02', time: `${8 + (n % 9)}:00`, name: 'Caller' } });
    expect(json.status).toBe('pending');
    return { callId, bookingId: json.booking_id, booking: booking! };
  };
  const statusOf = async (callId: string, bookingId: string) => (await t.callFunction('get_booking_status', { call: { call_id: callId }, args: { booking_id: bookingId } })).json.status;
  const eventTypes = async (bookingId: string) => (await t.get(`/bookings/${bookingId}/events`)).json.events.map((e: { type: string }) => e.type);

  it('confirms on a matching BOOKING_CREATED and treats the redelivery as a no-op', async () => {
    const { callId, bookingId, booking } = await booked();
    const body = webhookFor(booking);
    const first = await t.sendWebhook(body);
    const again = await t.sendWebhook(body);
    expect(first).toMatchObject({ status: 200, json: { status: 'recorded', booking_id: bookingId, applied: ['BookingConfirmedByWebhook'] } });
    expect(again).toMatchObject({ status: 200, json: { status: 'duplicate', booking_id: bookingId, applied: [] } });
    expect(await statusOf(callId, bookingId)).toBe('confirmed');
    expect((await eventTypes(bookingId)).filter((type: string) => type === 'BookingConfirmedByWebhook')).toHaveLength(1);
  });

  it('records a webhook carrying another call’s call_id as a mismatch and confirms nothing', async () => {
    const { callId, bookingId, booking } = await booked();
    const res = await t.sendWebhook(webhookFor({ ...booking, metadata: { ...booking.metadata, call_id: 'call_someone_else' } }));
    expect(res.json.applied).toEqual(['WebhookMismatchRecorded']);
    expect(await statusOf(callId, bookingId)).toBe('pending');
  });

  it('confirms a metadata-less BOOKING_CREATED (the host accepted) only after Cal.com\'s stored booking shows our call_id', async () => {
    const { callId, bookingId, booking } = await booked();
    const body = webhookFor(booking);
    body.payload.metadata = { videoCallUrl: 'https://cal.test/v' } as never;
    const lookup = nock(CALCOM_BASE).get(`/v2/bookings/${booking.uid}`).reply(200, { status: 'success', data: booking });
    const res = await t.sendWebhook(body);
    expect(res.json).toMatchObject({ booking_id: bookingId, applied: ['HostAcceptanceReceived', 'CalcomBookingLookedUp', 'BookingConfirmedByWebhook'] });
    expect(lookup.isDone()).toBe(true);
    expect(await statusOf(callId, bookingId)).toBe('confirmed');
  });

  it('does not confirm a metadata-less BOOKING_CREATED when Cal.com holds that uid for another call', async () => {
    const { callId, bookingId, booking } = await booked();
    const body = webhookFor(booking);
    body.payload.metadata = {} as never;
    nock(CALCOM_BASE).get(`/v2/bookings/${booking.uid}`).reply(200, { status: 'success', data: { ...booking, metadata: { call_id: 'call_other' } } });
    const res = await t.sendWebhook(body);
    expect(res.json).toMatchObject({ booking_id: bookingId, applied: ['HostAcceptanceReceived', 'CalcomBookingLookedUp', 'WebhookMismatchRecorded'] });
    expect(await statusOf(callId, bookingId)).toBe('pending');
  });

  it('moves a booking to awaiting the host on BOOKING_REQUESTED, then cancelled on BOOKING_CANCELLED', async () => {
    const { callId, bookingId, booking } = await booked();
    await t.sendWebhook(webhookFor(booking, 'BOOKING_REQUESTED'));
    const pending = await t.callFunction('get_booking_status', { call: { call_id: callId }, args: { booking_id: bookingId } });
    expect(pending.json).toMatchObject({ status: 'pending', booking_status: 'awaiting_host' });
    await t.sendWebhook(webhookFor({ ...booking, metadata: {} }, 'BOOKING_CANCELLED', { cancellationReason: 'Host unavailable' }));
    expect(await statusOf(callId, bookingId)).toBe('cancelled');
  });

  it('follows BOOKING_RESCHEDULED to the new uid, which then routes on its own', async () => {
    const { callId, bookingId, booking } = await booked();
    await t.sendWebhook(webhookFor(booking));
    const moved = { ...booking, uid: `${booking.uid}-new`, start: '2031-06-03T08:00:00.000Z', metadata: {} };
    const res = await t.sendWebhook(webhookFor(moved, 'BOOKING_RESCHEDULED', { rescheduleUid: booking.uid }));
    expect(res.json).toMatchObject({ booking_id: bookingId, applied: ['BookingRescheduled'] });
    const cancel = await t.sendWebhook(webhookFor(moved, 'BOOKING_CANCELLED'));
    expect(cancel.json).toMatchObject({ booking_id: bookingId, applied: ['BookingCancelled'] });
    expect(await statusOf(callId, bookingId)).toBe('cancelled');
  });

  it('routes by call id when a delivery carries neither our booking_ref nor a claimed uid, and still confirms nothing', async () => {
    const { callId, bookingId, booking } = await booked();
    await eventually(async () => (await t.get(`/appointments?call_id=${callId}`)).json.appointments.length === 1);
    const res = await t.sendWebhook(webhookFor({ ...booking, uid: 'uid-nobody-claimed', metadata: { call_id: callId } }));
    expect(res.json).toMatchObject({ booking_id: bookingId, applied: ['WebhookMismatchRecorded'] });
    expect(await statusOf(callId, bookingId)).toBe('pending');
  });

  it('lets no other call read or cancel a booking by its id', async () => {
    const { bookingId, booking } = await booked();
    await t.sendWebhook(webhookFor(booking));
    const asStranger = { call: { call_id: 'call_stranger' }, args: { booking_id: bookingId } };
    expect((await t.callFunction('get_booking_status', asStranger)).json).toMatchObject({ status: 'not_found' });
    expect((await t.callFunction('cancel_appointment', asStranger)).json).toMatchObject({ status: 'not_found' });
    expect(nock.pendingMocks()).toEqual([]); // no cancel reached Cal.com
  });

  it('records a booking we never requested as an orphan for analysts', async () => {
    const stranger = freshBooking({ start: '2031-06-04T08:00:00.000Z', eventTypeId: 1, attendee: { name: 'X', timeZone: 'UTC', email: 'x@example.org' }, metadata: {} });
    const res = await t.sendWebhook(webhookFor(stranger));
    expect(res).toMatchObject({ status: 200, json: { status: 'recorded', orphan: 'no_booking' } });
    const stream = await t.service.stores.eventStore.readStream(webhookStreamId(res.json.delivery_id));
    expect(stream.map((e) => e.type)).toEqual(['CalcomWebhookReceived', 'CalcomWebhookOrphaned']);
  });

  it('answers 400 to an unreadable body and still keeps it for analysts', async () => {
    const raw = '{"triggerEvent":"BOOKING_CREATED","createdAt":"not a date","payload":{}}';
    const res = await t.sendWebhook(undefined, { raw });
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/createdAt is not an ISO date-time/);
    const [kept] = await t.service.stores.eventStore.readStream(webhookStreamId(res.json.delivery_id));
    expect(kept).toMatchObject({ type: 'CalcomWebhookRejected', data: { rawBody: raw } });
  });

  it('answers 401 to a wrong or missing signature and records nothing', async () => {
    const { booking } = await booked();
    const text = JSON.stringify(webhookFor(booking));
    for (const signature of [null, 'no-secret-provided', 'a'.repeat(64)]) {
      expect((await t.sendWebhook(undefined, { raw: text, signature })).status).toBe(401);
    }
  });

  it('accepts the webhook before the POST answer: the order does not matter', async () => {
    n += 1;
    const callId = `call_early_${n}`;
    interceptCreates(async (request) => {
      const booking = freshBooking(request);
      expect((await t.sendWebhook(webhookFor(booking))).json.applied).toEqual(['BookingConfirmedByWebhook']);
      return [201, { status: 'success', data: booking }];
    }, 1);
    const { json } = await t.callFunction('book_appointment', { call: { call_id: callId }, args: { date: '2031-06-05', time: '09:00', name: 'Early' } });
    expect(json.status).toBe('confirmed');
    expect(await eventTypes(json.booking_id)).toEqual(['BookingRequested', 'BookingConfirmedByWebhook', 'CalcomResponded', 'CalcomBookingAccepted']);
  });
});

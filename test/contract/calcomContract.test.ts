import nock from 'nock';
import { findBookingsAwaitingProof } from '../../src/projections';
import { webhookStreamId } from '../../src/domain';
import {
  createdBooking,
  hostSlotTaken,
  inThePast,
  internalServerError,
  invalidPhoneNumber,
  minimumNotice,
  missingRequiredField,
  outsideBookingWindow,
  seatedBooking,
  slotTaken,
  spamDecoy,
  uniqueConstraintRace,
  type ApiAnswer,
} from '../fixtures/calcom/apiAnswers';
import { fixtureBooking } from '../fixtures/calcom/booking';
import {
  bookingCancelled,
  bookingCreated,
  bookingCreatedOnHostAccept,
  bookingRequested,
  bookingRequestedReschedule,
  bookingRescheduled,
  customTemplate,
  headers,
  meetingStarted,
  ping,
  serialize,
  type FlatWebhookBody,
  type WebhookBody,
} from '../fixtures/calcom/webhooks';
import { send } from '../security/hostile';
import { sqlTargets } from '../support/databases';
import { WEBHOOK_SECRET, eventually, startTestService, testClock, type TestService } from '../support/testService';
import { bookingFrom, calcomStandIn, createBodyProblems, type SentCreate } from './support/calcomStandIn';

/**
 * Contract tests: every delivery and answer is shaped as Cal.com's own code builds it
 * (test/fixtures/calcom, each builder naming the Cal.com file it mirrors), sent through the real
 * listening server; every create body we send is checked against Cal.com's published
 * CreateBookingInput_2024_08_13.
 */
// What Cal.com sends and answers does not depend on our store: these run on the embedded database only
// (every storage-level suite, and the end-to-end suites, run on PGlite and PostgreSQL).
describe.each(sqlTargets.slice(0, 1))('Cal.com as it really behaves (%s)', (_name, openDb) => {
  let t: TestService;
  let calcom: ReturnType<typeof calcomStandIn>;
  let n = 0;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    calcom = calcomStandIn();
    t = await startTestService(openDb, { env: { CONFIRMATION_WAIT_MS: '300' } });
  });
  afterEach(() => {
    // Every create body we ever sent is a valid CreateBookingInput_2024_08_13.
    for (const body of calcom.creates.splice(0)) expect({ body, problems: createBodyProblems(body) }).toEqual({ body, problems: [] });
    calcom.answerCreates((request) => {
      const booking = bookingFrom(request);
      calcom.keep(booking);
      return createdBooking(booking);
    });
    calcom.answerReschedules((request, move) => move(request));
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  /** Cal.com's sender headers (lower-cased: they replace the test client's default content type). */
  const senderHeaders = (...args: Parameters<typeof headers>) => Object.fromEntries(Object.entries(headers(...args)).map(([k, v]) => [k.toLowerCase(), v]));
  /** A signed delivery exactly as Cal.com's sender posts it (bytes, signature, headers). */
  const deliver = (body: WebhookBody | FlatWebhookBody) => {
    const raw = serialize(body);
    return send(t.url, '/webhooks/calcom', { body: raw, headers: senderHeaders(raw, WEBHOOK_SECRET) });
  };
  const call = (args: Record<string, unknown>, callExtra: Record<string, unknown> = {}) => {
    n += 1;
    const callId = `call_contract_${n}_${Date.now()}`;
    return t
      .callFunction('book_appointment', { name: 'book_appointment', call: { call_id: callId, ...callExtra }, args: { date: '2031-09-01', time: `${8 + (n % 9)}:00`, name: 'Erika Mustermann', ...args } })
      .then((r) => ({ ...r, callId }));
  };
  const lastCreate = () => calcom.creates.at(-1)!;
  const bookingOf = (create: SentCreate) => [...calcom.bookings.values()].find((b) => b.metadata.booking_ref === create.metadata.booking_ref)!;
  const statusOf = async (callId: string, bookingId: string) =>
    (await t.callFunction('get_booking_status', { name: 'get_booking_status', call: { call_id: callId }, args: { booking_id: bookingId } })).json;

  describe('booking and confirming', () => {
    it('books a new booking, confirmed by BOOKING_CREATED (sent before the answer, as Cal.com does)', async () => {
      calcom.answerCreates(async (request) => {
        const booking = bookingFrom(request);
        calcom.keep(booking);
        // Delivered, and acknowledged, before the answer, as Cal.com's booking handler awaits its webhooks before it
        // answers (RegularBookingService.ts, sendPayload.ts; reference/calcom-real-behaviour.md): there when the wait starts.
        await deliver(bookingCreated(booking));
        return createdBooking(booking);
      });
      const { json } = await call({ email: 'erika@example.com' });
      expect(json.status).toBe('confirmed');
    });

    it('books a caller who gives only a national number: E.164 to Cal.com, with the per-call email', async () => {
      const { json, callId } = await call({ telefon: '0171 2345678' });
      expect(json.status).toBe('pending');
      expect(lastCreate().attendee).toMatchObject({ phoneNumber: '+491712345678', email: expect.stringMatching(new RegExp(`^call-${callId}@`)) });
    });

    it('sends Retell\'s trusted caller number when the caller gives none', async () => {
      await call({}, { from_number: '+4930123456789' });
      expect(lastCreate().attendee.phoneNumber).toBe('+4930123456789');
    });

    it('asks again for a number that is none, and posts nothing', async () => {
      const before = calcom.creates.length;
      const { json } = await call({ telefon: '12345' });
      expect(json).toMatchObject({ status: 'invalid_input', message: 'Bitte nennen Sie mir noch einmal Ihre Telefonnummer.' });
      expect(calcom.creates.length).toBe(before);
    });

    it('puts the service asked for and the call id into the notes field', async () => {
      const { callId } = await call({ dienstleistung: 'Zahnreinigung' });
      expect(lastCreate().bookingFieldsResponses).toEqual({ notes: `Leistung/Service: Zahnreinigung · Telefonbuchung/Phone booking, Retell call ${callId}` });
    });

    it('confirms a requires-confirmation booking when the host accepts (BOOKING_CREATED without metadata) after Cal.com\'s stored booking shows our call_id', async () => {
      calcom.answerCreates((request) => {
        const booking = bookingFrom(request, { status: 'PENDING', eventType: { ...fixtureBooking().eventType, requiresConfirmation: true } });
        calcom.keep(booking);
        return createdBooking(booking);
      });
      const { json, callId } = await call({});
      expect(json).toMatchObject({ status: 'pending', booking_status: 'awaiting_host' });
      const booking = bookingOf(lastCreate());
      expect((await deliver(bookingRequested(booking))).json.applied).toEqual([]); // already awaiting the host
      const accepted = { ...booking, status: 'ACCEPTED' as const };
      calcom.keep(accepted);
      const res = await deliver(bookingCreatedOnHostAccept(accepted));
      expect(res.json.applied).toEqual(['HostAcceptanceReceived', 'CalcomBookingLookedUp', 'BookingConfirmedByWebhook']);
      expect(calcom.lookups).toContain(booking.uid);
      expect((await statusOf(callId, json.booking_id)).status).toBe('confirmed');
    });

    it('keeps a host acceptance for a uid nobody claimed an orphan', async () => {
      const stranger = fixtureBooking({ start: '2031-09-02T08:00:00.000Z', metadata: {} });
      const res = await deliver(bookingCreatedOnHostAccept(stranger));
      expect(res).toMatchObject({ status: 200, json: { orphan: 'no_booking' } });
    });
  });

  describe('refusals', () => {
    it.each<[string, () => ApiAnswer]>([
      ['taken slot', () => slotTaken()],
      ['taken slot (team)', () => hostSlotTaken()],
      ['booking window', () => outsideBookingWindow()],
      ['minimum notice', () => minimumNotice()],
      ['in the past', () => inThePast()],
    ])('answers %s with slot_unavailable and alternatives', async (_label, answer) => {
      calcom.answerCreates(() => answer());
      calcom.setFreeSlots({ '2031-09-01': ['2031-09-01T12:00:00.000Z'] });
      const { json } = await call({});
      expect(json).toMatchObject({ status: 'slot_unavailable', alternatives: [{ date: '2031-09-01', time: '14:00' }] });
    });

    it('treats a required booking field it cannot fill as a configuration error: alert, metric, error to the caller', async () => {
      calcom.answerCreates(() => missingRequiredField('insuranceNumber'));
      const { json } = await call({});
      expect(json).toMatchObject({ status: 'error', retryable: false });
      expect(t.logs.join('')).toMatch(/"alert":"calcom_misconfigured".*"field":"insuranceNumber"/);
      const metrics = await t.get('/metrics', { token: null, accept: 'text/plain' });
      expect(metrics.text).toMatch(/booking_ledger_calcom_configuration_errors_total\{kind="booking_field_required"\} [1-9]/);
    });

    it('asks for the number again when Cal.com refuses it', async () => {
      calcom.answerCreates(() => invalidPhoneNumber());
      const { json } = await call({ telefon: '+49 171 2345678' });
      expect(json).toMatchObject({ status: 'invalid_input', booking_status: 'failed' });
    });

    it('looks the booking up after Cal.com\'s unique-constraint race (409) and answers slot_unavailable when it holds none of ours', async () => {
      calcom.answerCreates(() => uniqueConstraintRace());
      const before = calcom.searches.length;
      const { json } = await call({});
      expect(calcom.searches.length).toBe(before + 1);
      expect(json.status).toBe('slot_unavailable');
    });

    it('after a 500 takes the booking Cal.com holds with our booking_ref, and never posts again', async () => {
      calcom.answerCreates((request) => {
        calcom.keep(bookingFrom(request));
        return spamDecoy();
      });
      const { json, callId } = await call({});
      expect(json).toMatchObject({ status: 'pending', booking_status: 'awaiting_webhook' });
      const posts = calcom.creates.length;
      expect((await t.callFunction('book_appointment', { name: 'book_appointment', call: { call_id: callId }, args: { date: '2031-09-01', time: `${8 + (n % 9)}:00`, name: 'Erika Mustermann' } })).json.booking_status).toBe('awaiting_webhook');
      expect(calcom.creates.length).toBe(posts);
    });

    it('alerts when a seated event type answers with a seat of an existing booking', async () => {
      const existing = fixtureBooking({ start: '2031-09-01T10:00:00.000Z', createdAt: '2031-01-01T00:00:00.000Z' });
      calcom.answerCreates((request) => seatedBooking(existing, 'seat-uid-1', { name: request.attendee.name, email: request.attendee.email!, timeZone: 'Europe/Berlin' } as never));
      const { json } = await call({});
      expect(json.status).toBe('duplicate'); // the existing booking's uid and createdAt: not made for this caller
      expect(t.logs.join('')).toMatch(/"alert":"calcom_seated_event_type"/);
    });
  });

  describe('reschedules and cancellations', () => {
    const confirmedBooking = async () => {
      const { json, callId } = await call({});
      const booking = bookingOf(lastCreate());
      expect((await deliver(bookingCreated(booking))).json.applied).toEqual(['BookingConfirmedByWebhook']);
      return { bookingId: json.booking_id as string, callId, booking };
    };

    it('follows the API v2 reschedule (new uid, metadata copied) and claims the new uid', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      const moved = fixtureBooking({ ...booking, uid: undefined as never, id: booking.id + 1000, start: '2031-09-03T09:00:00.000Z', end: undefined as never });
      const res = await deliver(bookingRescheduled(moved, booking.uid, { metadata: 'copied', old: booking }));
      expect(res.json).toMatchObject({ booking_id: bookingId, applied: ['BookingRescheduled'] });
      expect(await statusOf(callId, bookingId)).toMatchObject({ status: 'confirmed', appointment: { date: '2031-09-03', time: '11:00' } });
      // The new uid routes on its own now: a cancel without metadata reaches the booking.
      expect((await deliver(bookingCancelled(moved))).json).toMatchObject({ booking_id: bookingId, applied: ['BookingCancelled'] });
    });

    it('follows the booker page\'s reschedule (no metadata) through the old uid', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      const moved = fixtureBooking({ ...booking, uid: undefined as never, id: booking.id + 2000, start: '2031-09-04T09:00:00.000Z', end: undefined as never });
      expect((await deliver(bookingRescheduled(moved, booking.uid, { metadata: 'none', rescheduledBy: 'erika@example.com' }))).json.applied).toEqual(['BookingRescheduled']);
      expect((await statusOf(callId, bookingId)).status).toBe('confirmed');
    });

    it('waits for the host when a requires-confirmation booking is moved (BOOKING_REQUESTED with rescheduleUid)', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      const moved = fixtureBooking({ ...booking, uid: undefined as never, id: booking.id + 3000, start: '2031-09-05T09:00:00.000Z', end: undefined as never });
      expect((await deliver(bookingRequestedReschedule(moved, booking.uid, { metadata: 'copied', old: booking }))).json.applied).toEqual(['BookingRescheduled']);
      expect(await statusOf(callId, bookingId)).toMatchObject({ status: 'pending', booking_status: 'awaiting_host' });
    });

    it('keeps a host\'s "please reschedule" cancel (rescheduleRequested) as reschedule_requested, not a final cancel', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      expect((await deliver(bookingCancelled(booking, { requestReschedule: true, newestFlags: true, cancellationReason: 'Sick' }))).json.applied).toEqual(['RescheduleRequested']);
      expect(await statusOf(callId, bookingId)).toMatchObject({ status: 'cancelled', booking_status: 'reschedule_requested' });
    });

    it('answers cancelled to a cancel_appointment Cal.com refuses because it cancelled the booking already (an earlier delivery\'s, whose record was lost), from its lookup', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      const cancel = () => t.callFunction('cancel_appointment', { name: 'cancel_appointment', call: { call_id: callId }, args: { booking_id: bookingId } });
      // Cal.com cancelled it on an earlier request of this call; neither our record nor its webhook arrived.
      calcom.keep({ ...calcom.bookings.get(booking.uid)!, status: 'CANCELLED' });

      const answer = (await cancel()).json;

      expect(answer).toMatchObject({ success: true, status: 'cancelled' });
      expect(calcom.lookups).toContain(booking.uid);
      const events = (await t.get(`/bookings/${bookingId}/events`)).json.events as Array<{ type: string; data: Record<string, unknown> }>;
      expect(events.slice(-2).map((e) => [e.type, e.data.purpose ?? e.data.source])).toEqual([['CalcomBookingLookedUp', 'cancel'], ['BookingCancelled', 'lookup']]);
      const lookups = calcom.lookups.length;
      expect((await cancel()).json).toMatchObject({ success: true, status: 'cancelled' }); // and again, without asking Cal.com
      expect(calcom.lookups.length).toBe(lookups);
    });

    it('cancels a booking whose move Cal.com accepted at its new uid (the move CANCELLED the old one), and a late BOOKING_RESCHEDULED does not reopen it', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      const moved = (await t.callFunction('reschedule_appointment', { name: 'reschedule_appointment', call: { call_id: callId }, args: { booking_id: bookingId, new_date: '2031-09-08', new_time: '10:00' } })).json;
      expect(moved).toMatchObject({ booking_id: bookingId, status: 'pending' }); // Cal.com moved it; its webhook has not come
      const newBooking = [...calcom.bookings.values()].find((b) => b.fromReschedule === booking.uid)!;

      const answer = (await t.callFunction('cancel_appointment', { name: 'cancel_appointment', call: { call_id: callId }, args: { booking_id: bookingId } })).json;

      expect(answer).toMatchObject({ success: true, status: 'cancelled', booking_id: bookingId, appointment: { date: '2031-09-08', time: '10:00' } }); // the appointment that was cancelled
      expect(calcom.cancels.at(-1)).toBe(newBooking.uid); // never the old uid, which the move cancelled
      expect(calcom.bookings.get(newBooking.uid)!.status).toBe('CANCELLED');
      const events = (await t.get(`/bookings/${bookingId}/events`)).json.events as Array<{ type: string; data: Record<string, unknown> }>;
      expect(events.at(-1)).toMatchObject({ type: 'BookingCancelled', data: { uid: newBooking.uid, source: 'agent' } });
      // The move's webhook, late: recorded, and the booking stays cancelled.
      await deliver(bookingRescheduled(newBooking, booking.uid, { metadata: 'copied', old: booking }));
      expect(await statusOf(callId, bookingId)).toMatchObject({ status: 'cancelled' });
    });

    it('cancels a booking whose move\'s answer was lost where the old uid\'s lookup says Cal.com moved it (rescheduledToUid), once that booking proves to be this one moved', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      // Cal.com moves it, then fails before answering (a 500 after the move was made): the new uid is unknown to us.
      calcom.answerReschedules((request, move) => (move(request), internalServerError()));
      await t.callFunction('reschedule_appointment', { name: 'reschedule_appointment', call: { call_id: callId }, args: { booking_id: bookingId, new_date: '2031-09-09', new_time: '10:00' } });
      const newBooking = [...calcom.bookings.values()].find((b) => b.fromReschedule === booking.uid)!;

      const answer = (await t.callFunction('cancel_appointment', { name: 'cancel_appointment', call: { call_id: callId }, args: { booking_id: bookingId } })).json;

      expect(answer).toMatchObject({ success: true, status: 'cancelled', booking_id: bookingId, appointment: { date: '2031-09-09', time: '10:00' } });
      expect(calcom.cancels.slice(-2)).toEqual([booking.uid, newBooking.uid]); // the old uid (refused: the move cancelled it), then where it went
      expect(calcom.bookings.get(newBooking.uid)!.status).toBe('CANCELLED');
      const events = (await t.get(`/bookings/${bookingId}/events`)).json.events as Array<{ type: string; data: Record<string, unknown> }>;
      expect(events.slice(-3).map((e) => [e.type, e.data.uid])).toEqual([
        ['CalcomBookingLookedUp', booking.uid],
        ['CalcomMoveLocated', newBooking.uid],
        ['BookingCancelled', newBooking.uid],
      ]);
      expect(events.at(-3)!.data.rescheduledToUid).toBe(newBooking.uid); // what the lookup of the old uid said, for the analyst
      // The new uid is this booking's claim now: the move's late webhook reaches it, and it stays cancelled.
      expect((await deliver(bookingRescheduled(newBooking, booking.uid, { metadata: 'copied', old: booking }))).json).toMatchObject({ booking_id: bookingId });
      expect(await statusOf(callId, bookingId)).toMatchObject({ status: 'cancelled' });
    });

    it('has the reconciler locate a move whose answer was lost (the old uid rescheduled to this booking moved): given up as unproven, it keeps its new uid, and a cancel acts there at once', async () => {
      const clock = testClock(new Date().toISOString());
      const reconcileAfterMs = 900_000;
      const r = await startTestService(openDb, { now: clock.now, env: { CONFIRMATION_WAIT_MS: '300', RECONCILE_AFTER_MS: String(reconcileAfterMs) } });
      try {
        const callId = `call_contract_reconcile_${Date.now()}`;
        const { json } = await r.callFunction('book_appointment', { name: 'book_appointment', call: { call_id: callId }, args: { date: '2031-09-11', time: '09:00', name: 'Erika Mustermann' } });
        const bookingId = json.booking_id as string;
        const booking = bookingOf(lastCreate());
        const raw = serialize(bookingCreated(booking));
        expect((await send(r.url, '/webhooks/calcom', { body: raw, headers: senderHeaders(raw, WEBHOOK_SECRET) })).json.applied).toEqual(['BookingConfirmedByWebhook']);
        calcom.answerReschedules((request, move) => (move(request), internalServerError()));
        await r.callFunction('reschedule_appointment', { name: 'reschedule_appointment', call: { call_id: callId }, args: { booking_id: bookingId, new_date: '2031-09-12', new_time: '10:00' } });
        const newBooking = [...calcom.bookings.values()].find((b) => b.fromReschedule === booking.uid)!;

        clock.advance(16 * 60_000);
        // The reconciler finds the move in the read model: wait until it is projected (a loaded host projects late).
        await eventually(async () => (await findBookingsAwaitingProof(r.db, new Date(clock.now().getTime() - reconcileAfterMs))).includes(bookingId), 15_000);
        expect((await r.service.reconciler.runOnce()).markedUnconfirmed).toEqual([bookingId]);

        const events = (await r.get(`/bookings/${bookingId}/events`)).json.events as Array<{ type: string; data: Record<string, unknown> }>;
        expect(events.slice(-3).map((e) => [e.type, e.data.uid ?? e.data.previousStatus])).toEqual([
          ['CalcomMoveLocated', newBooking.uid],
          ['CalcomBookingLookedUp', booking.uid],
          ['BookingMarkedUnconfirmed', 'confirmed'],
        ]);
        const cancelsBefore = calcom.cancels.length;
        const answer = (await r.callFunction('cancel_appointment', { name: 'cancel_appointment', call: { call_id: callId }, args: { booking_id: bookingId } })).json;
        expect(answer).toMatchObject({ success: true, status: 'cancelled', appointment: { date: '2031-09-12', time: '10:00' } });
        expect(calcom.cancels.slice(cancelsBefore)).toEqual([newBooking.uid]); // straight to where it lives
      } finally {
        await r.stop();
      }
    });

    it('never answers cancelled when the old uid was moved somewhere that is not this move (another time): the old uid CANCELLED by a reschedule is no cancellation', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      // Cal.com's answer is lost, and what stands at rescheduledToUid is at another time than the move asked for.
      calcom.answerReschedules((request, move) => (move({ ...request, start: '2031-09-10T08:00:00.000Z' }), internalServerError()));
      await t.callFunction('reschedule_appointment', { name: 'reschedule_appointment', call: { call_id: callId }, args: { booking_id: bookingId, new_date: '2031-09-09', new_time: '10:00' } });

      const answer = (await t.callFunction('cancel_appointment', { name: 'cancel_appointment', call: { call_id: callId }, args: { booking_id: bookingId } })).json;

      expect(answer).toMatchObject({ success: false, status: 'error', retryable: true });
      expect(calcom.cancels.at(-1)).toBe(booking.uid);
      const events = (await t.get(`/bookings/${bookingId}/events`)).json.events as Array<{ type: string; data: Record<string, unknown> }>;
      expect(events.at(-1)).toMatchObject({ type: 'CalcomBookingLookedUp', data: { purpose: 'cancel', outcome: 'found', calcomStatus: 'cancelled' } });
      expect(events.map((e) => e.type)).not.toEqual(expect.arrayContaining(['BookingCancelled']));
      expect(events.map((e) => e.type)).not.toEqual(expect.arrayContaining(['CalcomMoveLocated']));
    });

    it('says a cancel failed when Cal.com neither cancels nor holds the booking as cancelled', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      calcom.bookings.delete(booking.uid); // 404 to the cancel and to the lookup
      const answer = (await t.callFunction('cancel_appointment', { name: 'cancel_appointment', call: { call_id: callId }, args: { booking_id: bookingId } })).json;
      expect(answer).toMatchObject({ success: false, status: 'error', retryable: true, booking_status: 'confirmed' });
      const events = (await t.get(`/bookings/${bookingId}/events`)).json.events as Array<{ type: string; data: Record<string, unknown> }>;
      expect(events.at(-1)).toMatchObject({ type: 'CalcomBookingLookedUp', data: { purpose: 'cancel', outcome: 'not_found' } });
    });

    it('records a plain cancellation', async () => {
      const { bookingId, callId, booking } = await confirmedBooking();
      expect((await deliver(bookingCancelled(booking, { cancelledBy: 'erika@example.com' }))).json.applied).toEqual(['BookingCancelled']);
      expect((await statusOf(callId, bookingId)).status).toBe('cancelled');
    });
  });

  describe('deliveries that are not booking events', () => {
    it.each<[string, () => { raw: string; contentType: string }]>([
      ['the Ping test', () => ({ raw: serialize(ping()), contentType: 'application/json' })],
      ['MEETING_STARTED (a flat body)', () => ({ raw: serialize(meetingStarted(fixtureBooking())), contentType: 'application/json' })],
      ['a JSON payload template', () => customTemplate('{"event":"{{triggerEvent}}","who":"{{attendees.0.name}}"}', bookingCreated(fixtureBooking()))],
      ['a text payload template (form content type)', () => customTemplate('New booking {{uid}} for {{title}}', bookingCreated(fixtureBooking()))],
      ['a JSON template whose render is not JSON (Cal.com sends false)', () => customTemplate('{"title":"{{title}}","x":{{responses}}}', bookingCreated(fixtureBooking()))],
    ])('records %s and answers 200 ignored', async (_label, build) => {
      const { raw, contentType } = build();
      const res = await send(t.url, '/webhooks/calcom', { body: raw, headers: senderHeaders(raw, WEBHOOK_SECRET, { contentType }) });
      expect(res).toMatchObject({ status: 200, json: { status: 'recorded', ignored: expect.any(String) } });
      const [kept] = await t.service.stores.eventStore.readStream(webhookStreamId(res.json.delivery_id));
      expect(kept!.type).toBe('CalcomWebhookIgnored');
    });

    it('refuses the Ping test sent from a webhook\'s edit page (signed "no-secret-provided")', async () => {
      const raw = serialize(ping());
      expect((await send(t.url, '/webhooks/calcom', { body: raw, headers: senderHeaders(raw, null) })).status).toBe(401);
    });
  });

  it('reads metadata values that are numbers or booleans (Cal.com allows them)', async () => {
    const { json, callId } = await call({});
    const booking = { ...bookingOf(lastCreate()), metadata: { ...bookingOf(lastCreate()).metadata, visits: 3, vip: true } };
    const res = await deliver(bookingCreated(booking));
    expect(res.json.applied).toEqual(['BookingConfirmedByWebhook']);
    expect((await statusOf(callId, json.booking_id)).status).toBe('confirmed');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { calcomUidStreamId } from '../../src/domain';
import { createdBooking, slotTaken } from '../fixtures/calcom/apiAnswers';
import type { ResolvedBooking } from '../fixtures/calcom/booking';
import { bookingCreated, bookingRescheduled, serialize } from '../fixtures/calcom/webhooks';
import { bookingFrom, calcomStandIn } from '../contract/support/calcomStandIn';
import { sqlTargets } from '../support/databases';
import { eventually, startTestService, type TestService } from '../support/testService';

/**
 * Two practices served by one process: different Cal.com accounts (keys, URLs, webhook secrets), time
 * zones and services. A caller books in one call and, phoning again, finds and moves the booking by
 * their number alone; the other practice never sees it.
 */
const BERLIN = { id: 'praxis-berlin', base: 'https://cal-berlin.test', key: 'cal_live_berlin_0123456789', secret: 'whsec_berlin_0123456789', agent: 'agent_berlin_01' };
const LONDON = { id: 'clinic-london', base: 'https://cal-london.test', key: 'cal_live_london_0123456789', secret: 'whsec_london_0123456789', agent: 'agent_london_01' };
const CALLER = '+4915112345678';

const practicesYaml = `
practices:
  - id: ${BERLIN.id}
    name: Zahnarztpraxis Berlin
    agentIds: [${BERLIN.agent}]
    calcom: { apiUrl: ${BERLIN.base}/v2, apiKey: "\${BERLIN_CAL_KEY}", webhookSecret: "\${BERLIN_WEBHOOK_SECRET}" }
    timeZone: Europe/Berlin
    language: de
    services:
      - { id: zahnreinigung, eventTypeId: 1001, lengthMinutes: 45, names: { de: [Zahnreinigung, Prophylaxe], en: [teeth cleaning] } }
      - { id: kontrolle, eventTypeId: 1002, lengthMinutes: 20, names: { de: [Kontrolle, Untersuchung], en: [check-up] } }
  - id: ${LONDON.id}
    name: Physio Clinic London
    agentIds: [${LONDON.agent}]
    calcom: { apiUrl: ${LONDON.base}/v2, apiKey: "\${LONDON_CAL_KEY}", webhookSecret: ${LONDON.secret} }
    timeZone: Europe/London
    language: en
    phoneRegion: GB
    services:
      - { id: physio, eventTypeId: 2001, names: { de: [Physiotherapie], en: [physiotherapy, physio] } }
`;

describe.each(sqlTargets)('two practices in one process (%s)', (_name, openDb) => {
  let t: TestService;
  let berlin: ReturnType<typeof calcomStandIn>;
  let london: ReturnType<typeof calcomStandIn>;
  let n = 0;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    berlin = calcomStandIn(BERLIN.base);
    london = calcomStandIn(LONDON.base);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'practices-')), 'practices.yaml');
    writeFileSync(file, practicesYaml);
    t = await startTestService(openDb, {
      env: { PRACTICES_FILE: file, BERLIN_CAL_KEY: BERLIN.key, BERLIN_WEBHOOK_SECRET: BERLIN.secret, LONDON_CAL_KEY: LONDON.key, CONFIRMATION_WAIT_MS: '3000' },
    });
  });
  afterAll(async () => {
    await t?.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const call = (agent: string) => ({ call_id: `call_practices_${(n += 1)}_${Date.now()}`, agent_id: agent, from_number: CALLER });
  const fn = (name: string, callObject: object, args: object) => t.callFunction(name, { name, call: callObject, args }).then((r) => r.json);
  const bookingOf = (calcom: ReturnType<typeof calcomStandIn>, callId: string): ResolvedBooking =>
    [...calcom.bookings.values()].find((b) => b.metadata.call_id === callId && b.status !== 'CANCELLED')!;
  /** Cal.com's webhook for a booking, signed with the practice's secret, to the practice's route. */
  const deliver = (practice: typeof BERLIN, body: Parameters<typeof serialize>[0]) => t.sendWebhook(undefined, { raw: serialize(body), practice: practice.id, secret: practice.secret });

  /** Cal.com books and sends BOOKING_CREATED shortly after its answer, while the agent's call waits. */
  const bookConfirmed = async (practice: typeof BERLIN, calcom: ReturnType<typeof calcomStandIn>, args: object) => {
    calcom.answerCreates((request) => {
      const booking = bookingFrom(request);
      calcom.keep(booking);
      setTimeout(() => void deliver(practice, bookingCreated(booking)), 50);
      return createdBooking(booking);
    });
    const first = call(practice.agent);
    const booked = await fn('book_appointment', first, { ...args, name: 'Erika Mustermann' });
    expect(booked).toMatchObject({ status: 'confirmed' });
    // A caller calls back later: by then the read model (which finds bookings by number) has the booking.
    await eventually(async () => (await t.get(`/appointments?call_id=${first.call_id}`)).json.appointments?.[0]?.status === 'confirmed');
    return { callId: first.call_id, bookingId: booked.booking_id as string };
  };

  it('a caller books at one practice, calls back, finds the booking by their number and moves it; Cal.com proves the new time', async () => {
    const { bookingId } = await bookConfirmed(BERLIN, berlin, { datum: '02.06.2031', uhrzeit: '9 Uhr', dienstleistung: 'Prophylaxe' });
    // The Berlin account was asked, with its own key and the service's event type, at 09:00 in Berlin.
    expect(berlin.apiKeys).toEqual([BERLIN.key]);
    expect(berlin.creates[0]).toMatchObject({ eventTypeId: 1001, start: '2031-06-02T07:00:00.000Z' });
    const oldUid = bookingOf(berlin, berlin.creates[0]!.metadata.call_id!).uid;

    // A second call: the caller says nothing that identifies the booking; the trusted number finds it.
    const second = call(BERLIN.agent);
    expect(await fn('get_booking_status', second, {})).toMatchObject({ status: 'confirmed', booking_id: bookingId, appointment: { date: '2031-06-02', time: '09:00' } });

    // Cal.com moves it and sends BOOKING_RESCHEDULED shortly after its answer (RegularBookingService.ts).
    berlin.answerReschedules((request, move) => {
      const answer = move(request);
      const moved = [...berlin.bookings.values()].find((b) => b.fromReschedule === request.uid)!;
      setTimeout(() => void deliver(BERLIN, bookingRescheduled(moved, request.uid, { old: berlin.bookings.get(request.uid) })), 50);
      return answer;
    });
    const moved = await fn('reschedule_appointment', second, { neues_datum: '03.06.2031', neue_uhrzeit: '10:00' });
    expect(moved).toMatchObject({
      success: true,
      status: 'confirmed',
      booking_id: bookingId,
      appointment: { date: '2031-06-03', time: '10:00' },
      message: 'Ihr Termin ist auf den 03.06.2031 um 10:00 Uhr verlegt und bestätigt.',
    });
    expect(berlin.reschedules).toEqual([{ uid: oldUid, start: '2031-06-03T08:00:00.000Z', reschedulingReason: expect.any(String) }]);

    // Signed by Retell, but another caller: a booking_id the model was talked into proves nothing.
    const stranger = { ...call(BERLIN.agent), from_number: '+4915199999999' };
    expect(await fn('reschedule_appointment', stranger, { booking_id: bookingId, neues_datum: '04.06.2031', neue_uhrzeit: '10:00' })).toMatchObject({ status: 'not_found' });
    expect(await fn('cancel_appointment', stranger, { booking_id: bookingId })).toMatchObject({ status: 'not_found' });

    // A retried delivery of the same function call posts nothing and tells the same truth.
    expect(await fn('reschedule_appointment', second, { neues_datum: '03.06.2031', neue_uhrzeit: '10:00' })).toMatchObject({ status: 'confirmed', booking_id: bookingId });
    expect(berlin.reschedules).toHaveLength(1);

    // One booking's history runs across both uids: the new one claimed, the old one released.
    const newUid = [...berlin.bookings.values()].find((b) => b.fromReschedule === oldUid)!.uid;
    const events = (await t.get(`/bookings/${bookingId}/events`)).json.events.map((e: { type: string }) => e.type);
    // CalcomMoveAccepted only when the answer was recorded before the webhook 50 ms later (a busy host records it after, and the settled move takes no answer).
    expect(events.filter((e: string) => e !== 'CalcomMoveAccepted').slice(3)).toEqual(['BookingConfirmedByWebhook', 'BookingMoveRequested', 'BookingRescheduled']);
    const oldClaim = (await t.service.stores.eventStore.readStream(calcomUidStreamId(oldUid))).map((e) => [e.type, (e.data as { bookingId: string }).bookingId]);
    expect(oldClaim).toEqual([['CalcomUidClaimed', bookingId], ['CalcomUidReleased', bookingId]]);
    expect((await t.service.stores.eventStore.readStream(calcomUidStreamId(newUid)))[0]).toMatchObject({ type: 'CalcomUidClaimed', data: { bookingId } });
    const row = await eventually(async () => (await t.get(`/appointments?booking_uid=${newUid}`)).json.appointments?.[0]);
    expect(row).toMatchObject({ bookingId, status: 'confirmed', slotStart: '2031-06-03T08:00:00.000Z' });
  });

  it('keeps the practices apart: the same caller number at the other practice finds nothing, and books in its own account and time zone', async () => {
    const elsewhere = call(LONDON.agent);
    expect(await fn('get_booking_status', elsewhere, {})).toMatchObject({ status: 'not_found' });
    expect(await fn('cancel_appointment', elsewhere, {})).toMatchObject({ status: 'not_found' });

    await bookConfirmed(LONDON, london, { date: '2031-06-02', time: '09:00', service: 'physio' });
    expect(london.apiKeys).toEqual([LONDON.key]);
    // 09:00 in London (BST) is 08:00 UTC; 09:00 in Berlin was 07:00 UTC.
    expect(london.creates[0]).toMatchObject({ eventTypeId: 2001, start: '2031-06-02T08:00:00.000Z' });
    expect(berlin.apiKeys.every((key) => key === BERLIN.key)).toBe(true);
    // The analysts' view filters by practice.
    const rows = await eventually(async () => {
      const found = (await t.get(`/appointments?practice=${LONDON.id}`)).json.appointments;
      return found?.length ? found : undefined;
    });
    expect(rows.map((r: { practiceId: string }) => r.practiceId)).toEqual([LONDON.id]);

    // A webhook signed with the other practice's secret is refused at this practice's route.
    const booking = bookingOf(london, london.creates[0]!.metadata.call_id!);
    expect((await t.sendWebhook(undefined, { raw: serialize(bookingCreated(booking)), practice: BERLIN.id, secret: LONDON.secret })).status).toBe(401);
    // Signed by one practice, naming another practice's booking: recorded as an orphan, nothing changes.
    const berlinBooking = [...berlin.bookings.values()][0]!;
    const crossed = await t.sendWebhook(undefined, { raw: serialize(bookingCreated({ ...berlinBooking, uid: 'crossedUid0000000000001' })), secret: LONDON.secret });
    expect(crossed).toMatchObject({ status: 200, json: { status: 'recorded', applied: [], orphan: 'other_practice' } });
  });

  it('asks which service when a practice offers several, listing them in words', async () => {
    const answer = await fn('book_appointment', call(BERLIN.agent), { datum: '04.06.2031', uhrzeit: '11:00', name: 'Erika Mustermann' });
    expect(answer).toMatchObject({ status: 'invalid_input', message: 'Welche Leistung möchten Sie? Wir bieten an: Zahnreinigung und Kontrolle.' });
    const functions = (await t.get(`/retell/functions?practice=${BERLIN.id}`, { token: null })).json.functions;
    const book = functions.find((f: { name: string }) => f.name === 'book_appointment');
    expect(book.url_path).toBe(`/p/${BERLIN.id}/retell/functions/book_appointment`);
    expect(book.parameters.properties.dienstleistung.enum).toEqual(['Zahnreinigung', 'Kontrolle']);
    expect(book.parameters.required).toContain('dienstleistung');
  });

  it('reads out several bookings of the caller and acts on the one named; a taken new time leaves the old one standing', async () => {
    await bookConfirmed(BERLIN, berlin, { datum: '05.06.2031', uhrzeit: '08:00', dienstleistung: 'Kontrolle' });
    const back = call(BERLIN.agent);
    const several = await fn('reschedule_appointment', back, { neues_datum: '06.06.2031', neue_uhrzeit: '12:00' });
    expect(several).toMatchObject({
      status: 'several_found',
      message: 'Ich finde 2 Termine für Sie: am Dienstag, 03.06.2031 um 10:00 Uhr oder am Donnerstag, 05.06.2031 um 08:00 Uhr. Welchen meinen Sie?',
      matches: [{ date: '2031-06-03', time: '10:00', service: 'Zahnreinigung' }, { date: '2031-06-05', time: '08:00', service: 'Kontrolle' }],
    });

    berlin.answerReschedules(() => slotTaken());
    berlin.setFreeSlots({ '2031-06-06': ['2031-06-06T09:00:00.000Z', '2031-06-06T11:00:00.000Z'] });
    const taken = await fn('reschedule_appointment', back, { neues_datum: '06.06.2031', neue_uhrzeit: '12:00', dienstleistung: 'Kontrolle' });
    expect(taken).toMatchObject({
      status: 'slot_unavailable',
      appointment: { date: '2031-06-05', time: '08:00' },
      message: expect.stringContaining('Ihr Termin am 05.06.2031 um 08:00 Uhr bleibt bestehen.'),
      alternatives: [{ time: '11:00' }, { time: '13:00' }],
    });

    const cancelled = await fn('cancel_appointment', back, { datum: '05.06.2031' });
    expect(cancelled).toMatchObject({ status: 'cancelled', appointment: { date: '2031-06-05', time: '08:00' } });
    expect(await fn('get_booking_status', call(BERLIN.agent), {})).toMatchObject({ status: 'confirmed', appointment: { date: '2031-06-03', time: '10:00' } });
  });
});

import nock from 'nock';
import { openMemoryPglite } from '../support/databases';
import { freshBooking, interceptCreates, interceptSlots, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { CALCOM_BASE, startTestService, type TestService } from '../support/testService';

/** Every answer is something a voice can say to a caller who is on the phone, in the caller's language. */
describe('speakable answers', () => {
  let t: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openMemoryPglite, { env: { CONFIRMATION_WAIT_MS: '0' } });
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.stop();
    nock.enableNetConnect();
  });
  const fn = (name: string, callId: string, args: Record<string, unknown>) => t.callFunction(name, { call: { call_id: callId }, args }).then((r) => r.json);

  it('answers invalid_input in the language the call asked for', async () => {
    expect((await fn('book_appointment', 'call_sp_1', { language: 'en', date: '2031-07-01' })).message).toBe('Could you tell me your name and the time again, please?');
    expect((await fn('book_appointment', 'call_sp_1', { sprache: 'de', datum: '01.07.2031' })).message).toBe('Bitte nennen Sie mir noch einmal Ihren Namen und die Uhrzeit.');
  });

  it('asks for the day and time of the appointment, never a booking number', async () => {
    for (const name of ['get_booking_status', 'cancel_appointment']) {
      const answer = await fn(name, 'call_sp_2', {});
      expect(answer.message).toBe('Bitte nennen Sie mir noch einmal Tag und Uhrzeit Ihres Termins.');
      expect(answer.message).not.toMatch(/Buchungsnummer/);
    }
  });

  it('says English dates as words, and reads out at most eight free times "and more"', async () => {
    interceptSlots(Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2031, 6, 1, 6 + i)).toISOString()));
    const day = await fn('check_availability', 'call_sp_3', { date: '2031-07-01', language: 'en' });
    expect(day.message).toBe('On Tuesday, 1 July 2031 these times are free, among others: 08:00, 09:00, 10:00, 11:00, 12:00, 13:00, 14:00, 15:00 and more.');
    expect(day.alternatives).toHaveLength(10);
    interceptSlots(Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2031, 6, 1, 6 + i)).toISOString()));
    expect((await fn('check_availability', 'call_sp_3', { datum: '01.07.2031' })).message).toMatch(/ und weitere\.$/);
  });

  it('never promises a confirmation that nothing sends when Cal.com fails', async () => {
    interceptCreates(() => [500, { statusCode: 500, message: 'Internal server error' }], 1);
    nock(CALCOM_BASE).get('/v2/bookings').query(true).reply(200, { status: 'success', data: [] });
    const answer = await fn('book_appointment', 'call_sp_4', { date: '2031-07-02', time: '09:00', name: 'Ada' });
    expect(answer).toMatchObject({ status: 'pending', booking_status: 'failed' });
    expect(answer.message).not.toMatch(/Bestätigung, sobald/);
    expect(answer.message).toBe('Der Kalender hat nicht rechtzeitig geantwortet. Ob der Termin am 02.07.2031 um 09:00 Uhr eingetragen ist, kann ich noch nicht sagen; fragen Sie gern gleich noch einmal nach.');
  });

  it('says success: true for a cancellation that happened, and retryable: false for a refused API key', async () => {
    let booking: CalcomBookingJson | undefined;
    interceptCreates((request) => [201, { status: 'success', data: (booking = freshBooking(request)) }], 2);
    await fn('book_appointment', 'call_sp_5', { date: '2031-07-03', time: '09:00', name: 'Ada' });
    await t.sendWebhook(webhookFor(booking!));
    nock(CALCOM_BASE).post(`/v2/bookings/${booking!.uid}/cancel`).reply(200, { status: 'success', data: {} });
    const cancelled = await fn('cancel_appointment', 'call_sp_5', { date: '2031-07-03', time: '09:00' });
    expect(cancelled).toMatchObject({ success: true, status: 'cancelled' });

    await fn('book_appointment', 'call_sp_6', { date: '2031-07-04', time: '09:00', name: 'Ada' });
    nock(CALCOM_BASE).post(`/v2/bookings/${booking!.uid}/cancel`).reply(401, { status: 'error', error: { code: 'UnauthorizedException', message: 'ApiAuthStrategy - api key - Your api key is not valid' } });
    const refused = await fn('cancel_appointment', 'call_sp_6', { date: '2031-07-04', time: '09:00' });
    expect(refused).toMatchObject({ status: 'error', retryable: false });
    expect(refused.message).not.toMatch(/gleich noch einmal/);
  });

  it('offers another time to a caller whose booking was never confirmed, instead of "please call us"', async () => {
    const { messages } = await import('../../src/application/messages');
    expect(messages.de.unconfirmed({ date: '2031-07-05', time: '09:00' })).toBe('Die Buchung für den 05.07.2031 um 09:00 Uhr konnte vom Kalender nicht bestätigt werden. Soll ich einen anderen Termin für Sie suchen?');
  });
});

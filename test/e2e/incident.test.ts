import nock from 'nock';
import { listDuplicates } from '../../src/projections';
import { SLOT_START, UID, booking687, booking688, calcomBooking687, call687, call688 } from '../fixtures/incident';
import { sqlTargets } from '../support/databases';
import { interceptCreates, interceptSlots, webhookFor, type CalcomBookingJson } from '../support/fakeCalcom';
import { eventually, startTestService, testClock, type TestService } from '../support/testService';

const bookArgs = (call: typeof call687) => ({
  name: 'book_appointment',
  call: { call_id: call.callId, from_number: '+4930000000' },
  args: { datum: '10.10.2025', uhrzeit: '08:00', name: call.name, dienstleistung: 'Beratung' },
});

describe.each(sqlTargets)('The incident, end to end through the HTTP server (%s)', (_name, openDb) => {
  let t: TestService;
  const clock = testClock(call687.at);
  let answer687: any;
  let answer688: any;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    t = await startTestService(openDb, { now: clock.now, env: { CONFIRMATION_WAIT_MS: '1500' } });
    interceptSlots(['2025-10-10T06:30:00.000Z', '2025-10-10T07:00:00.000Z', '2025-10-10T09:00:00.000Z', '2025-10-11T06:00:00.000Z']);

    // Call 687: Cal.com creates the booking, and its BOOKING_CREATED webhook arrives before the POST returns.
    interceptCreates(async (request) => {
      const booking: CalcomBookingJson = { ...calcomBooking687, metadata: request.metadata, attendees: [{ ...request.attendee }] };
      const delivered = await t.sendWebhook(webhookFor(booking, 'BOOKING_CREATED', {}, new Date('2025-10-06T09:05:21.500Z')));
      expect(delivered.status).toBe(200);
      return [201, { status: 'success', data: booking }];
    }, 1);
    answer687 = (await t.callFunction('book_appointment', bookArgs(call687))).json;

    // Call 688, 35 minutes later, same slot: Cal.com hands back 687's existing booking. No webhook fires.
    clock.set(call688.at);
    interceptCreates(() => [200, { status: 'success', data: calcomBooking687 }], 1);
    answer688 = (await t.callFunction('book_appointment', bookArgs(call688))).json;
  });
  afterAll(async () => {
    await t.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('tells caller 687 the truth: booked and confirmed by the webhook', () => {
    expect(answer687).toMatchObject({ success: true, status: 'confirmed', booking_id: booking687, appointment: { date: '2025-10-10', time: '08:00' } });
  });

  it('tells caller 688 the slot could not be booked for them, and offers alternatives', () => {
    expect(answer688).toMatchObject({ success: false, status: 'duplicate', booking_id: booking688, booking_status: 'duplicate' });
    expect(answer688.message).toMatch(/nicht gebucht werden/);
    expect(answer688.alternatives.map((a: { time: string }) => a.time)).toEqual(['08:30', '09:00', '11:00']);
  });

  it('shows DuplicateDetected with its reasons in 688’s event history, and no confirmation', async () => {
    const { status, json } = await t.get(`/bookings/${booking688}/events`);
    expect(status).toBe(200);
    const types = json.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['BookingRequested', 'CalcomResponded', 'DuplicateDetected']);
    const duplicate = json.events[2];
    expect(duplicate.data.reasons).toEqual(expect.arrayContaining(['stale_created_at', 'metadata_call_id_mismatch', 'metadata_booking_ref_mismatch', 'attendee_mismatch', 'uid_already_claimed']));
    expect(duplicate.data.conflicting).toMatchObject({ uid: UID, ownerBookingId: booking687, metadataCallId: call687.callId });
    expect(duplicate.metadata).toMatchObject({ callId: call688.callId, occurredAt: expect.any(String) });
    expect(duplicate.recordedAt).toEqual(expect.any(String));
  });

  it('shows the read model rows: 687 confirmed, 688 duplicate, one uid confirmed once', async () => {
    const rows = await eventually(async () => {
      const { json } = await t.get(`/appointments?booking_uid=${UID}`);
      return json.appointments.length === 2 && json.appointments.every((a: { status: string }) => a.status !== 'requested') && json.appointments;
    });
    const byCall = Object.fromEntries(rows.map((r: { callId: string }) => [r.callId, r]));
    expect(byCall[call687.callId]).toMatchObject({ status: 'confirmed', calcomUid: UID, slotStart: SLOT_START });
    expect(byCall[call688.callId]).toMatchObject({ status: 'duplicate', calcomUid: null, duplicateOfUid: UID });
  });

  it('lists the uid in the duplicates view with both calls and the reasons', async () => {
    const duplicates = await eventually(async () => (await listDuplicates(t.db)).find((d) => d.calcomUid === UID));
    expect(duplicates.bookingIds.sort()).toEqual([booking687, booking688].sort());
    expect(duplicates.callIds.sort()).toEqual([call687.callId, call688.callId].sort());
    expect(duplicates.reasons).toEqual(expect.arrayContaining(['stale_created_at', 'uid_already_claimed']));
  });
});

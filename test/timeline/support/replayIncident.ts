import nock from 'nock';
import type { SqlDatabase } from '../../../src/adapters/sql/sqlDatabase';
import { calcomBooking687, call687, call688 } from '../../fixtures/incident';
import { interceptCreates, interceptSlots, webhookFor, type CalcomBookingJson } from '../../support/fakeCalcom';
import { startTestService, testClock, type TestService } from '../../support/testService';

export interface ReplayedIncident {
  t: TestService;
  /** A wall-clock instant after everything of call 687 was recorded and before anything of call 688. */
  betweenCalls: Date;
  answer687: any;
  answer688: any;
}

const bookArgs = (call: { callId: string; name: string }) => ({
  name: 'book_appointment',
  call: { call_id: call.callId, from_number: '+4930000000' },
  args: { datum: '10.10.2025', uhrzeit: '08:00', name: call.name, dienstleistung: 'Beratung' },
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Replays the incident of 2025-10-06 through the real HTTP service, exactly as test/e2e/incident.test.ts:
 * call 687 books and is confirmed by its webhook; call 688, 35 minutes later (test clock), gets 687's
 * existing booking back from Cal.com and no webhook. Events' occurredAt follow the test clock; their
 * recordedAt is the database's real clock, so `betweenCalls` is a real instant.
 */
export const replayIncident = async (openDb: () => Promise<SqlDatabase>): Promise<ReplayedIncident> => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const clock = testClock(call687.at);
  const t = await startTestService(openDb, { now: clock.now, env: { CONFIRMATION_WAIT_MS: '1500' } });
  interceptSlots(['2025-10-10T06:30:00.000Z', '2025-10-10T07:00:00.000Z', '2025-10-10T09:00:00.000Z', '2025-10-11T06:00:00.000Z']);

  interceptCreates(async (request) => {
    const booking: CalcomBookingJson = { ...calcomBooking687, metadata: request.metadata, attendees: [{ ...request.attendee }] };
    const delivered = await t.sendWebhook(webhookFor(booking, 'BOOKING_CREATED', {}, new Date('2025-10-06T09:05:21.500Z')));
    if (delivered.status !== 200) throw new Error(`webhook for 687 answered ${delivered.status}`);
    return [201, { status: 'success', data: booking }];
  }, 1);
  const answer687 = (await t.callFunction('book_appointment', bookArgs(call687))).json;

  await pause(30);
  const betweenCalls = new Date();
  await pause(30);

  clock.set(call688.at);
  interceptCreates(() => [200, { status: 'success', data: calcomBooking687 }], 1);
  const answer688 = (await t.callFunction('book_appointment', bookArgs(call688))).json;
  return { t, betweenCalls, answer687, answer688 };
};

export const stopReplay = async (replay: ReplayedIncident | undefined): Promise<void> => {
  await replay?.t.stop();
  nock.cleanAll();
  nock.enableNetConnect();
};

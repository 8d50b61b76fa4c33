import type { EventHistory } from '../../src/application/ports/eventHistory';
import { loadTimeline } from '../../src/application/timeline/loadTimeline';
import { UID, call687, call688 } from '../fixtures/incident';
import { incidentEvents } from './support/incidentEvents';

/** An in-memory history over the incident's events, recording what it was asked. */
const fakeHistory = () => {
  const events = incidentEvents();
  const asked: string[] = [];
  const history: EventHistory = {
    eventsForCalls: async (callIds, { limit }) => {
      asked.push(`calls ${[...callIds].sort().join(',')} limit ${limit}`);
      return events.filter((e) => callIds.includes(e.metadata.callId as string)).slice(0, limit);
    },
    eventsNamingUid: async (uid, { limit }) => {
      asked.push(`uid ${uid}`);
      return events.filter((e) => (e.data as { uid?: string }).uid === uid).slice(0, limit);
    },
    eventsRecordedBetween: async (from, to, { limit }) => events.filter((e) => e.recordedAt >= from && e.recordedAt <= to).slice(0, limit),
  };
  return { history, asked };
};

describe('loading a timeline from the history port', () => {
  it('for a uid: the events naming it, then every event of the calls among them', async () => {
    const { history, asked } = fakeHistory();
    const timeline = await loadTimeline(history, { kind: 'booking_uid', uid: UID });
    expect(asked).toEqual([`uid ${UID}`, `calls ${[call687.callId, call688.callId].sort().join(',')} limit 10001`]);
    expect(timeline.counts.matched).toBe(10);
    expect(timeline.truncated).toBe(false);
  });

  it('says when a query hit the limit', async () => {
    const { history } = fakeHistory();
    const timeline = await loadTimeline(history, { kind: 'calls', callIds: [call687.callId] }, { limit: 3 });
    expect(timeline.counts.matched).toBe(3);
    expect(timeline.truncated).toBe(true);
    expect(timeline.notes.join('\n')).toMatch(/hit its limit/);
  });

  it('for a recorded-time range: what was recorded in it', async () => {
    const { history } = fakeHistory();
    const timeline = await loadTimeline(history, { kind: 'recorded_between', from: '2025-10-06T09:30:00.000Z', to: '2025-10-06T10:00:00.000Z' });
    expect(timeline.calls.map((c) => c.callId)).toEqual([call688.callId]);
  });
});

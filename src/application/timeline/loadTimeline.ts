import type { EventHistory } from '../ports/eventHistory';
import type { ParkedEventLookup } from '../ports/parkedEvents';
import type { StoredEvent } from '../ports/eventStore';
import { buildTimeline } from './buildTimeline';
import { maskContactsIn } from './maskContact';
import type { Timeline, TimelineSubject } from './timelineModel';
import type { ParkedEvent } from '../ports/parkedEvents';

export const DEFAULT_EVENT_LIMIT = 10_000;

export interface LoadTimelineOptions {
  asOf?: Date;
  asOfBasis?: 'recorded' | 'happened';
  /** At most this many events per history query (default 10,000). */
  limit?: number;
  now?: Date;
  /** Marks the events a projection parked (not applied to the read model). */
  parked?: ParkedEventLookup;
}

const uniqueCallIds = (events: StoredEvent[]): string[] => [
  ...new Set(events.map((e) => e.metadata.callId).filter((id): id is string => typeof id === 'string' && id.length > 0)),
];

/**
 * Which events a subject covers: a call's every event; for a Cal.com uid, every event naming the uid
 * (claims, answers, webhooks) and every event of each call among them; or what was recorded in a range.
 */
const matchingEvents = async (history: EventHistory, subject: TimelineSubject, limit: number): Promise<{ events: StoredEvent[]; truncated: boolean }> => {
  const ask = { limit: limit + 1 };
  const cut = (events: StoredEvent[]) => ({ events: events.slice(0, limit), truncated: events.length > limit });
  switch (subject.kind) {
    case 'calls':
      return cut(await history.eventsForCalls(subject.callIds, ask));
    case 'recorded_between':
      return cut(await history.eventsRecordedBetween(new Date(subject.from), new Date(subject.to), ask));
    case 'booking_uid': {
      const naming = cut(await history.eventsNamingUid(subject.uid, ask));
      const ofCalls = cut(await history.eventsForCalls(uniqueCallIds(naming.events), ask));
      return { events: [...naming.events, ...ofCalls.events], truncated: naming.truncated || ofCalls.truncated };
    }
  }
};

/** The timeline of a call, a Cal.com uid or a time range, as the history holds it now (or as of a moment). */
export const loadTimeline = async (history: EventHistory, subject: TimelineSubject, options: LoadTimelineOptions = {}): Promise<Timeline> => {
  const { events, truncated } = await matchingEvents(history, subject, options.limit ?? DEFAULT_EVENT_LIMIT);
  const timeline = buildTimeline(events, { subject, asOf: options.asOf, asOfBasis: options.asOfBasis, truncated, now: options.now });
  if (options.parked && events.length > 0) markParked(timeline, await options.parked(events.map((e) => e.id)));
  return timeline;
};

/** Parked events stand out: flagged, with the projection and the error it gave. */
const markParked = (timeline: Timeline, parked: ParkedEvent[]): void => {
  const byEvent = new Map<string, ParkedEvent[]>();
  for (const p of parked) byEvent.set(p.eventId, [...(byEvent.get(p.eventId) ?? []), p]);
  for (const entry of timeline.calls.flatMap((c) => c.entries)) {
    for (const p of byEvent.get(entry.eventId) ?? []) {
      if (!entry.flags.includes('parked')) entry.flags.push('parked');
      entry.warnings.push(`PARKED by projection ${p.projection} at ${p.parkedAt}: not applied to the read model (${maskContactsIn(p.error)})`);
    }
  }
  if (parked.length > 0) timeline.notes.push(`${new Set(parked.map((p) => p.eventId)).size} event(s) here were parked by a projection: the read model does not reflect them.`);
};

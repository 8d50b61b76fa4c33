import { CalcomUidClaimed, evolve, initialState, type Booking, type BookingEvent } from '../../domain';
import { DEFAULT_PRACTICE_ID } from '../practice';
import { isBookingEventType, toBookingEvent } from '../eventEnvelope';
import type { StoredEvent } from '../ports/eventStore';
import { describeEvent } from './describeEvent';
import { maskContactsIn } from './maskContact';
import type { BookingStateView, DuplicateUidView, Timeline, TimelineCall, TimelineEntry, TimelineSubject, ToldEntry, UidTouch } from './timelineModel';

export interface BuildTimelineOptions {
  subject: TimelineSubject;
  /** Show only what was recorded up to this instant; booking states are rebuilt from those events alone. */
  asOf?: Date;
  /** What `asOf` compares: when the ledger recorded each event (default: what the system knew then), or when it happened. */
  asOfBasis?: 'recorded' | 'happened';
  /** The history query hit its limit. */
  truncated?: boolean;
  now?: Date;
}

/** Recorded order: recorded time, then the store's global position (events of one transaction share a time). */
export const byRecordedTime = (a: StoredEvent, b: StoredEvent): number =>
  a.recordedAt.getTime() - b.recordedAt.getTime() || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

const callIdOf = (event: StoredEvent): string | null => (typeof event.metadata.callId === 'string' ? event.metadata.callId : null);
const occurredAtOf = (event: StoredEvent): string | null => (typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : null);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const parseBookingEvent = (stored: StoredEvent): BookingEvent | Error | undefined => {
  if (!isBookingEventType(stored.type)) return undefined;
  try {
    return toBookingEvent(stored);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
};

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];

const timeHappened = (e: StoredEvent): number => Date.parse(occurredAtOf(e) ?? '') || e.recordedAt.getTime();
const spanOf = (times: number[]): { first: string; last: string } | null =>
  times.length === 0 ? null : { first: new Date(times.reduce((a, b) => Math.min(a, b))).toISOString(), last: new Date(times.reduce((a, b) => Math.max(a, b))).toISOString() };

/** Groups calls that share a Cal.com uid (union-find over the calls' uids). */
const groupCalls = (uidsByCall: Map<string, Set<string>>): Map<string, string> => {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  const ownerOfUid = new Map<string, string>();
  for (const [callId, uids] of uidsByCall) {
    parent.set(callId, parent.get(callId) ?? callId);
    for (const uid of uids) {
      const other = ownerOfUid.get(uid);
      if (other === undefined) ownerOfUid.set(uid, callId);
      else parent.set(find(callId), find(other));
    }
  }
  return new Map([...uidsByCall.keys()].map((callId) => [callId, find(callId)]));
};

interface Described {
  stored: StoredEvent;
  entry: TimelineEntry;
}

/**
 * The timeline of some events: each described in one line with its highlights, grouped by call (calls
 * that touched the same Cal.com uid together), in recorded order; the state of every booking rebuilt
 * with the domain's `evolve` from the events recorded up to `asOf`; and the uids claimed or returned
 * for more than one booking. Pure: the same events give the same timeline.
 */
export const buildTimeline = (events: readonly StoredEvent[], options: BuildTimelineOptions): Timeline => {
  const asOf = options.asOf;
  const all = [...new Map(events.map((e) => [e.id, e])).values()].sort(byRecordedTime);
  const basis = options.asOfBasis ?? 'recorded';
  const timeOf = (e: StoredEvent) => (basis === 'happened' ? timeHappened(e) : e.recordedAt.getTime());
  const shown = asOf ? all.filter((e) => timeOf(e) <= asOf.getTime()) : all;
  const later = all.length - shown.length;

  // Calls of bookings from everything matched (so a lane keeps its name whatever the as-of).
  const callOfBookingAll = new Map<string, string>();
  for (const e of all) {
    const bookingId = text((e.data as { bookingId?: unknown } | null)?.bookingId);
    const callId = callIdOf(e);
    if (bookingId && callId && e.streamId === `booking-${bookingId}`) callOfBookingAll.set(bookingId, callId);
  }

  const states = new Map<string, Booking>();
  const lastOf = new Map<string, StoredEvent>();
  const described: Described[] = [];
  const touches: Touch[] = [];
  const notes: string[] = [];
  for (const stored of shown) {
    const parsed = parseBookingEvent(stored);
    if (parsed instanceof Error) notes.push(`${stored.type} ${stored.id} could not be read: ${parsed.message.split('\n')[0]}`);
    const event = parsed instanceof Error ? undefined : parsed;
    const before = event ? states.get(event.data.bookingId) : undefined;
    const description = describeEvent(stored, event, { booking: before, callOfBooking: (id) => callOfBookingAll.get(id) });
    const touch = touchOf(stored, event);
    if (touch) touches.push(touch);
    if (event) {
      states.set(event.data.bookingId, evolve(before ?? initialState(), event));
      lastOf.set(event.data.bookingId, stored);
    }
    described.push({
      stored,
      entry: {
        eventId: stored.id,
        position: stored.position,
        streamId: stored.streamId,
        type: stored.type,
        callId: callIdOf(stored),
        ...description,
        occurredAt: occurredAtOf(stored),
        recordedAt: stored.recordedAt.toISOString(),
        correlationId: text(stored.metadata.correlationId),
        causationId: text(stored.metadata.causationId),
      },
    });
  }

  const duplicates = findDuplicates(touches, callOfBookingAll);
  const duplicateUids = new Set(duplicates.map((d) => d.uid));
  // A highlighted answer about a duplicated uid is part of the duplicate, too.
  for (const { entry } of described) {
    const highlighted = entry.flags.length > 0 && !entry.flags.includes('duplicate') && !entry.flags.includes('confirmed');
    if (highlighted && entry.uid && duplicateUids.has(entry.uid)) entry.flags.push('duplicate');
  }

  const calls = lanes(all, described, callOfBookingAll);
  if (asOf && later > 0 && basis === 'happened') notes.push(`${later} event(s) that happened after ${asOf.toISOString()} are not shown (as of when things happened, not what the system knew then).`);
  if (asOf && later > 0 && basis === 'recorded') {
    const happenedEarlier = all.filter((e) => e.recordedAt.getTime() > asOf.getTime() && Date.parse(occurredAtOf(e) ?? '') <= asOf.getTime()).length;
    notes.push(`${later} event(s) recorded after ${asOf.toISOString()} are not shown.`);
    if (happenedEarlier > 0) notes.push(`${happenedEarlier} of them happened (occurredAt) before ${asOf.toISOString()} but were recorded later: the system did not know them yet.`);
  }
  if (options.truncated) notes.push('The history query hit its limit: some events may be missing; narrow the selection (or raise the CLI --limit).');

  return {
    subject: options.subject,
    asOf: asOf ? asOf.toISOString() : null,
    asOfBasis: basis,
    generatedAt: (options.now ?? new Date()).toISOString(),
    calls,
    bookings: bookingStates(states, lastOf, callOfBookingAll),
    duplicates,
    counts: { matched: all.length, shown: shown.length, recordedLater: later },
    span: { recorded: spanOf(all.map((e) => e.recordedAt.getTime())), happened: spanOf(all.map(timeHappened)) },
    truncated: Boolean(options.truncated),
    notes,
  };
};

const toldOf = (stored: StoredEvent): ToldEntry => {
  const d = stored.data as { occurredAt?: string; function?: string; delivery?: number; status?: string; message?: string; bookingStatus?: string };
  return {
    at: d.occurredAt ?? stored.recordedAt.toISOString(),
    function: d.function ?? '?',
    delivery: d.delivery ?? 1,
    status: d.status ?? '?',
    message: maskContactsIn(d.message ?? ''), // the agent may have repeated an address or number
    bookingStatus: d.bookingStatus ?? null,
  };
};

const lanes = (all: StoredEvent[], described: Described[], callOfBooking: Map<string, string>): TimelineCall[] => {
  const NO_CALL = '\u0000no-call';
  const keyOf = (callId: string | null) => callId ?? NO_CALL;
  const uidsByCall = new Map<string, Set<string>>();
  const firstRecorded = new Map<string, string>();
  const laterCount = new Map<string, number>();
  const shownIds = new Set(described.map((d) => d.stored.id));
  for (const e of all) {
    const key = keyOf(callIdOf(e));
    if (!uidsByCall.has(key)) uidsByCall.set(key, new Set());
    if (!firstRecorded.has(key)) firstRecorded.set(key, e.recordedAt.toISOString());
    if (!shownIds.has(e.id)) laterCount.set(key, (laterCount.get(key) ?? 0) + 1);
    const uid = text((e.data as { uid?: unknown } | null)?.uid) ?? text((e.data as { conflicting?: { uid?: unknown } } | null)?.conflicting?.uid);
    if (uid) uidsByCall.get(key)!.add(uid);
  }
  const withCall = new Map([...uidsByCall].filter(([key]) => key !== NO_CALL));
  const rootOf = groupCalls(withCall);
  const groupFirst = new Map<string, string>();
  for (const [key, root] of rootOf) {
    const first = firstRecorded.get(key)!;
    if (!groupFirst.has(root) || first < groupFirst.get(root)!) groupFirst.set(root, first);
  }
  const roots = [...groupFirst.entries()].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([root]) => root);
  const groupOf = new Map(roots.map((root, index) => [root, index]));

  const keys = [...uidsByCall.keys()].sort((a, b) => {
    if (a === NO_CALL || b === NO_CALL) return a === NO_CALL ? 1 : -1;
    return groupOf.get(rootOf.get(a)!)! - groupOf.get(rootOf.get(b)!)! || (firstRecorded.get(a)! < firstRecorded.get(b)! ? -1 : 1);
  });

  const byLane = new Map<string, Described[]>();
  for (const d of described) {
    const key = keyOf(d.entry.callId);
    if (!byLane.has(key)) byLane.set(key, []);
    byLane.get(key)!.push(d);
  }
  const bookingsOfCall = new Map<string, string[]>();
  for (const [bookingId, callId] of callOfBooking) bookingsOfCall.set(callId, [...(bookingsOfCall.get(callId) ?? []), bookingId]);

  return keys.map((key) => {
    const callId = key === NO_CALL ? null : key;
    const lane = byLane.get(key) ?? [];
    const entries = lane.map((d) => d.entry);
    const requested = lane.filter((d) => d.stored.type === 'BookingRequested');
    return {
      callId,
      group: callId === null ? roots.length : groupOf.get(rootOf.get(key)!)!,
      attendeeNames: unique(requested.map((d) => (d.stored.data as { attendee?: { name?: string } }).attendee?.name).filter((n): n is string => Boolean(n))),
      bookingIds: callId === null ? [] : (bookingsOfCall.get(callId) ?? []),
      uids: [...uidsByCall.get(key)!],
      entries,
      told: lane.filter((d) => d.stored.type === 'CallerAnswered').map((d) => toldOf(d.stored)),
      laterEventCount: laterCount.get(key) ?? 0,
      firstRecordedAt: firstRecorded.get(key)!,
    };
  });
};

interface Touch {
  uid: string;
  bookingId: string;
  kind: UidTouch;
  reasons: readonly string[];
}

/** How an event shows a booking touching a Cal.com uid: claiming it, getting it back from Cal.com, or being confirmed with it. */
const touchOf = (stored: StoredEvent, event: BookingEvent | undefined): Touch | undefined => {
  if (stored.type === 'CalcomUidClaimed') {
    const claim = CalcomUidClaimed.shape.data.safeParse(stored.data);
    return claim.success ? { uid: claim.data.uid, bookingId: claim.data.bookingId, kind: 'claimed', reasons: [] } : undefined;
  }
  switch (event?.type) {
    case 'CalcomResponded':
      return { uid: event.data.uid, bookingId: event.data.bookingId, kind: 'returned', reasons: [] };
    case 'DuplicateDetected':
      return { uid: event.data.conflicting.uid, bookingId: event.data.bookingId, kind: 'returned', reasons: event.data.reasons };
    case 'BookingConfirmedByWebhook':
      return { uid: event.data.uid, bookingId: event.data.bookingId, kind: 'confirmed', reasons: [] };
    default:
      return undefined;
  }
};

/** Uids claimed or returned for more than one booking, with every booking's touches and DuplicateDetected reasons. */
const findDuplicates = (touches: Touch[], callOfBooking: Map<string, string>): DuplicateUidView[] => {
  const byUid = new Map<string, Map<string, { touches: Set<UidTouch>; reasons: Set<string> }>>();
  for (const t of touches) {
    const bookings = byUid.get(t.uid) ?? new Map<string, { touches: Set<UidTouch>; reasons: Set<string> }>();
    byUid.set(t.uid, bookings);
    const seen = bookings.get(t.bookingId) ?? { touches: new Set<UidTouch>(), reasons: new Set<string>() };
    bookings.set(t.bookingId, seen);
    seen.touches.add(t.kind);
    for (const r of t.reasons) seen.reasons.add(r);
  }
  return [...byUid]
    .filter(([, bookings]) => [...bookings.values()].filter((b) => b.touches.has('claimed') || b.touches.has('returned')).length > 1)
    .map(([uid, bookings]) => ({
      uid,
      bookings: [...bookings].map(([bookingId, t]) => ({
        bookingId,
        callId: callOfBooking.get(bookingId) ?? null,
        touches: [...t.touches].sort(),
        reasons: [...t.reasons].sort(),
      })),
    }));
};

const bookingStates = (states: Map<string, Booking>, lastOf: Map<string, StoredEvent>, callOfBooking: Map<string, string>): BookingStateView[] =>
  [...states].map(([bookingId, s]) => {
    const last = lastOf.get(bookingId)!;
    return {
      bookingId,
      callId: s.callId ?? callOfBooking.get(bookingId) ?? null,
      practiceId: s.practiceId ?? DEFAULT_PRACTICE_ID,
      attendeeName: s.attendee?.name ?? null,
      slotStart: s.slotStart ?? null,
      status: s.status,
      uid: s.uid ?? null,
      calcomBookingId: s.calcomBookingId ?? null,
      confirmedAt: s.confirmedAt ?? null,
      duplicate: s.duplicate
        ? {
            reasons: [...s.duplicate.reasons],
            conflictingUid: s.duplicate.conflictingUid,
            ownerBookingId: s.duplicate.ownerBookingId ?? null,
            ownerCallId: (s.duplicate.ownerBookingId && callOfBooking.get(s.duplicate.ownerBookingId)) || null,
          }
        : null,
      failure: s.failure ? `${s.failure.reason}` : null,
      lastEventType: last.type,
      lastRecordedAt: last.recordedAt.toISOString(),
    };
  });

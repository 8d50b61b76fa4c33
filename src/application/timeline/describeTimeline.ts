import type { BookingStateView, Timeline, TimelineCall, TimelineSubject } from './timelineModel';

/** Words shared by the text, Markdown and HTML renderers (the renderers only escape and lay out). */

export const subjectTitle = (subject: TimelineSubject): string => {
  switch (subject.kind) {
    case 'calls':
      return `call${subject.callIds.length > 1 ? 's' : ''} ${subject.callIds.join(', ')}`;
    case 'booking_uid':
      return `Cal.com uid ${subject.uid}`;
    case 'recorded_between':
      return `events recorded ${subject.from} to ${subject.to}`;
  }
};

export const TIMES_LEGEND = 'Times are UTC. happened = when it happened (metadata.occurredAt); recorded = when the ledger recorded it (recordedAt).';

export const asOfLine = (timeline: Timeline): string | undefined => {
  if (!timeline.asOf) return undefined;
  return timeline.asOfBasis === 'happened'
    ? `As of ${timeline.asOf} by when things happened: only events that happened (occurredAt) up to then, whenever recorded; booking states rebuilt from those events alone.`
    : `As of ${timeline.asOf}: only events recorded up to then (what the system knew); booking states rebuilt from those events alone.`;
};

export const summaryLine = (timeline: Timeline): string => {
  const calls = timeline.calls.filter((c) => c.callId !== null).length;
  const dup = timeline.duplicates.length;
  const head = `${calls} call(s), ${timeline.counts.shown} event(s) shown${timeline.counts.recordedLater ? ` (${timeline.counts.recordedLater} recorded later)` : ''}`;
  if (dup > 0) return `${head}, ${dup} Cal.com uid(s) claimed or returned for more than one booking.`;
  // A duplicate whose owner's call is not in this selection: say so, never "no uid claimed twice" above it.
  const unseen = timeline.bookings.filter((b) => b.duplicate !== null);
  if (unseen.length > 0) {
    const uids = [...new Set(unseen.map((b) => b.duplicate!.conflictingUid))];
    return `${head}, ${unseen.length} DuplicateDetected for Cal.com uid(s) ${uids.join(', ')} owned by a call outside this selection (see timeline --booking-uid ${uids[0]}).`;
  }
  return `${head}, no Cal.com uid claimed or returned for more than one booking.`;
};

export const callTitle = (call: TimelineCall): string =>
  call.callId === null ? 'Events naming no call' : `Call ${call.callId}${call.attendeeNames.length ? ` · ${call.attendeeNames.join(', ')}` : ''}`;

export const bookingsOfCall = (timeline: Timeline, call: TimelineCall): BookingStateView[] => timeline.bookings.filter((b) => b.callId === call.callId);

/** A call that exists in the history but had nothing recorded by the as-of moment. */
export const notYetRecorded = (timeline: Timeline, call: TimelineCall): string | undefined =>
  call.entries.length === 0 && call.laterEventCount > 0 ? `nothing recorded yet as of ${timeline.asOf} (first event recorded ${call.firstRecordedAt})` : undefined;

export const callStatusLine = (timeline: Timeline, call: TimelineCall): string => {
  const pending = notYetRecorded(timeline, call);
  if (pending) return pending;
  const bookings = bookingsOfCall(timeline, call);
  return bookings.length === 0 ? 'no booking' : bookings.map((b) => `booking ${b.bookingId.slice(0, 8)} ${b.status}`).join(', ');
};

/** Uids shared by more than one call of the group. */
export const sharedUids = (calls: TimelineCall[]): string[] => {
  const count = new Map<string, number>();
  for (const call of calls) for (const uid of call.uids) count.set(uid, (count.get(uid) ?? 0) + 1);
  return [...count].filter(([, n]) => n > 1).map(([uid]) => uid);
};

export const groupsOf = (timeline: Timeline): TimelineCall[][] => {
  const groups = new Map<number, TimelineCall[]>();
  for (const call of timeline.calls) groups.set(call.group, [...(groups.get(call.group) ?? []), call]);
  return [...groups.values()];
};

export const stateNote = (b: BookingStateView): string => {
  if (b.status === 'confirmed') return `confirmed by BOOKING_CREATED webhook${b.confirmedAt ? ` (${b.confirmedAt})` : ''}`;
  if (b.duplicate) {
    const owner = b.duplicate.ownerBookingId ? ` owned by booking ${b.duplicate.ownerBookingId.slice(0, 8)}${b.duplicate.ownerCallId ? ` (call ${b.duplicate.ownerCallId})` : ''}` : '';
    return `Cal.com handed back uid ${b.duplicate.conflictingUid}${owner}: ${b.duplicate.reasons.join(', ')}; not booked`;
  }
  if (b.failure) return `failure: ${b.failure}`;
  return b.status === 'awaiting_webhook' ? 'not yet proven by a webhook' : '';
};

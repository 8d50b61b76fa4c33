import type { Timeline, TimelineEntry } from '../timelineModel';

/** Where a duplicate answer's uid really belongs: the booking that owns it, and the event that proves it. */
export interface UidOwner {
  uid: string;
  bookingId: string;
  callId: string | null;
  /** The owner's event to jump to: its confirming webhook if shown, else its first event naming the uid. */
  eventId: string | undefined;
}

const ownerBookingOf = (timeline: Timeline, uid: string, notBookingId: string | null): { bookingId: string; callId: string | null } | undefined => {
  const confirmed = timeline.bookings.find((b) => b.uid === uid && b.status === 'confirmed' && b.bookingId !== notBookingId);
  if (confirmed) return confirmed;
  const named = timeline.bookings.find((b) => b.duplicate?.conflictingUid === uid && b.bookingId === notBookingId)?.duplicate;
  if (named?.ownerBookingId) return { bookingId: named.ownerBookingId, callId: named.ownerCallId };
  const touched = timeline.duplicates.find((d) => d.uid === uid)?.bookings.find((b) => b.bookingId !== notBookingId && (b.touches.includes('confirmed') || b.touches.includes('claimed')));
  return touched && { bookingId: touched.bookingId, callId: touched.callId };
};

/**
 * For every entry flagged as part of a duplicate, the booking that owns its uid (another booking than
 * the entry's own). Entries whose owner is unknown (outside the selection) are left out.
 */
export const uidOwners = (timeline: Timeline): Map<string, UidOwner> => {
  const entries: TimelineEntry[] = timeline.calls.flatMap((c) => c.entries);
  const owners = new Map<string, UidOwner>();
  for (const entry of entries) {
    if (!entry.flags.includes('duplicate') || !entry.uid) continue;
    const owner = ownerBookingOf(timeline, entry.uid, entry.bookingId);
    if (!owner || owner.bookingId === entry.bookingId) continue;
    const ofOwner = entries.filter((e) => e.bookingId === owner.bookingId);
    const proof = ofOwner.find((e) => e.flags.includes('confirmed')) ?? ofOwner.find((e) => e.uid === entry.uid);
    owners.set(entry.eventId, { uid: entry.uid, bookingId: owner.bookingId, callId: owner.callId, eventId: proof?.eventId });
  }
  return owners;
};

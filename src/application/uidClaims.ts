import { calcomUidStreamId, type CalcomUidClaimedEvent, type CalcomUidReleasedEvent } from '../domain';
import { toNewEvent, type Causation } from './eventEnvelope';
import { isConcurrencyError, type EventStore, type StreamAppend } from './ports/eventStore';

/** Who owns a Cal.com uid: the booking whose claim opened `calcom-uid-<uid>`. */
export const readUidOwner = async (store: EventStore, uid: string): Promise<string | undefined> => {
  const [first] = await store.readStream(calcomUidStreamId(uid), { maxCount: 1 });
  return first ? (first.data as CalcomUidClaimedEvent['data']).bookingId : undefined;
};

export interface UidClaim {
  uid: string;
  bookingId: string;
  callId: string;
  now: string;
}

/** The claim as an append that opens `calcom-uid-<uid>` (first claimant wins, "no stream" expected). */
export const uidClaimAppend = (claim: UidClaim, causation: Causation): StreamAppend => {
  const event: CalcomUidClaimedEvent = {
    type: 'CalcomUidClaimed',
    data: { uid: claim.uid, bookingId: claim.bookingId, callId: claim.callId, occurredAt: claim.now },
  };
  return { streamId: calcomUidStreamId(claim.uid), events: [toNewEvent(event, causation)], expectedVersion: 'no_stream' };
};

/** Claims the uid for this booking (first claimant wins); returns the owner. */
export const claimCalcomUid = async (store: EventStore, claim: UidClaim, causation: Causation): Promise<string> => {
  const { streamId, events, expectedVersion } = uidClaimAppend(claim, causation);
  try {
    await store.appendToStream(streamId, events, { expectedVersion });
    return claim.bookingId;
  } catch (error) {
    if (!isConcurrencyError(error)) throw error;
    const owner = await readUidOwner(store, claim.uid);
    if (!owner) throw error;
    return owner;
  }
};

/**
 * Cal.com replaced the uid by rescheduling: the booking lets go of it (once). The claim stays the
 * booking's, so no other booking can take the uid, but the timeline shows where the booking went.
 */
export const releaseCalcomUid = async (
  store: EventStore,
  release: { uid: string; movedTo: string; bookingId: string; callId: string; now: string },
  causation: Causation,
): Promise<void> => {
  const stored = await store.readStream(calcomUidStreamId(release.uid));
  if (stored.length === 0 || stored.some((e) => e.type === 'CalcomUidReleased')) return;
  const event: CalcomUidReleasedEvent = {
    type: 'CalcomUidReleased',
    data: { uid: release.uid, movedTo: release.movedTo, bookingId: release.bookingId, callId: release.callId, occurredAt: release.now },
  };
  try {
    await store.appendToStream(calcomUidStreamId(release.uid), [toNewEvent(event, causation)], { expectedVersion: stored.length });
  } catch (error) {
    if (!isConcurrencyError(error)) throw error; // another delivery released it just now
  }
};

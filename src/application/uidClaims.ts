import { calcomUidStreamId, type CalcomUidClaimedEvent, type CalcomUidReleasedEvent } from '../domain';
import { toNewEvent, type Causation } from './eventEnvelope';
import { isConcurrencyError, type EventStore } from './ports/eventStore';

/** Who owns a Cal.com uid: the booking whose claim opened `calcom-uid-<uid>`. */
export const readUidOwner = async (store: EventStore, uid: string): Promise<string | undefined> => {
  const [first] = await store.readStream(calcomUidStreamId(uid), { maxCount: 1 });
  return first ? (first.data as CalcomUidClaimedEvent['data']).bookingId : undefined;
};

/** Claims the uid for this booking (first claimant wins, "no stream" expected); returns the owner. */
export const claimCalcomUid = async (
  store: EventStore,
  claim: { uid: string; bookingId: string; callId: string; now: string },
  causation: Causation,
): Promise<string> => {
  const event: CalcomUidClaimedEvent = {
    type: 'CalcomUidClaimed',
    data: { uid: claim.uid, bookingId: claim.bookingId, callId: claim.callId, occurredAt: claim.now },
  };
  try {
    await store.appendToStream(calcomUidStreamId(claim.uid), [toNewEvent(event, causation)], { expectedVersion: 'no_stream' });
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

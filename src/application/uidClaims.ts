import { calcomUidStreamId, type CalcomUidClaimedEvent } from '../domain';
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

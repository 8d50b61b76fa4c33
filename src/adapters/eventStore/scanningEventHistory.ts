import type { EventHistory } from '../../application/ports/eventHistory';
import type { EventStore, StoredEvent } from '../../application/ports/eventStore';

const BATCH = 1000;

const scan = async (store: EventStore, keep: (event: StoredEvent) => boolean, limit: number): Promise<StoredEvent[]> => {
  const kept: StoredEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: BATCH });
    if (batch.length === 0) return kept;
    for (const event of batch) {
      if (!keep(event)) continue;
      kept.push(event);
      if (kept.length >= limit) return kept;
    }
    after = batch[batch.length - 1]!.position;
  }
};

const uidOf = (event: StoredEvent): unknown => (event.data as { uid?: unknown } | null)?.uid;

/**
 * History queries for any event store, by reading every event (`readAll`): correct, and as slow as the
 * history is long. Used for EventStoreDB, which has no secondary indexes we could ask.
 */
export const scanningEventHistory = (store: EventStore): EventHistory => ({
  eventsForCalls: async (callIds, { limit }) => {
    const wanted = new Set(callIds);
    return wanted.size === 0 ? [] : scan(store, (e) => typeof e.metadata.callId === 'string' && wanted.has(e.metadata.callId), limit);
  },
  eventsNamingUid: (uid, { limit }) => scan(store, (e) => uidOf(e) === uid, limit),
  eventsRecordedBetween: async (from, to, { limit }) => {
    const inRange = await scan(store, (e) => e.recordedAt >= from && e.recordedAt <= to, Number.POSITIVE_INFINITY);
    return inRange.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || (a.position < b.position ? -1 : 1)).slice(0, limit);
  },
});

import type { EventStore, NewEvent, StreamAppend } from '../../src/application/ports/eventStore';

/**
 * The store with every append first passed to `gate` (the streams it writes; one several-stream append
 * is one call), which may throw to fail it: a database that goes away mid-request, a crash after some writes.
 * A store without appendToStreams stays without it.
 */
export const gatedAppends = (store: EventStore, gate: (streamIds: string[]) => void): EventStore => ({
  ...store,
  appendToStream: async (streamId: string, events: NewEvent[], options?: Parameters<EventStore['appendToStream']>[2]) => (gate([streamId]), store.appendToStream(streamId, events, options)),
  ...(store.appendToStreams && { appendToStreams: async (appends: StreamAppend[]) => (gate(appends.map((a) => a.streamId)), store.appendToStreams!(appends)) }),
});

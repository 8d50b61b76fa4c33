import type { EventStore } from '../../src/application/ports/eventStore';

/** The store as EventStoreDB's adapter is: no multi-stream append, so the application appends one stream after another. */
export const oneStreamAtATime = (store: EventStore): EventStore => {
  const { appendToStreams: _atomic, ...rest } = store;
  return rest;
};

import type { EventHistory } from '../../application/ports/eventHistory';
import type { EventStore } from '../../application/ports/eventStore';
import { scanningEventHistory } from './scanningEventHistory';

const attached = new WeakMap<EventStore, EventHistory>();

/** Remembers the indexed history of a store where it is opened (`openStores`). */
export const attachEventHistory = (store: EventStore, history: EventHistory): void => {
  attached.set(store, history);
};

/**
 * The history for a store: the indexed one attached where it was opened, else a full scan over
 * `readAll` (correct, slow). Lets adapters that only hold the `EventStore` (the HTTP routes) use the index.
 */
export const eventHistoryFor = (store: EventStore): EventHistory => attached.get(store) ?? scanningEventHistory(store);

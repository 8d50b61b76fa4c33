import type { StoredEvent } from './eventStore';

/** How many events one history query returns at most (callers ask for one more to know it was cut). */
export interface HistoryLimit {
  limit: number;
}

/**
 * Questions an analyst asks of the whole event history, answered from indexed columns where the store
 * has them (PostgreSQL/PGlite: `call_id`, `recorded_at`, the uid in the data) and by a full scan
 * otherwise (EventStoreDB). Every answer is in the store's global order, oldest first.
 */
export interface EventHistory {
  /** Every event whose metadata names one of these Retell call ids (booking, claim and delivery streams). */
  eventsForCalls(callIds: readonly string[], options: HistoryLimit): Promise<StoredEvent[]>;
  /** Every event whose data names this Cal.com uid (`data.uid`): claims, Cal.com answers, webhooks. */
  eventsNamingUid(uid: string, options: HistoryLimit): Promise<StoredEvent[]>;
  /** Every event the store recorded between `from` and `to` (both inclusive), by recorded time. */
  eventsRecordedBetween(from: Date, to: Date, options: HistoryLimit): Promise<StoredEvent[]>;
}

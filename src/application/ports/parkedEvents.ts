/** An event a projection could not apply: kept with the error, skipped, and the projection went on. */
export interface ParkedEvent {
  projection: string;
  eventId: string;
  position: string;
  streamId: string;
  type: string;
  error: string;
  parkedAt: string;
}

/** Which of these events a projection parked (the timeline marks them). */
export type ParkedEventLookup = (eventIds: readonly string[]) => Promise<ParkedEvent[]>;

import { webhookStreamId } from '../../domain';
import { isConcurrencyError, type EventStore, type StoredEvent } from '../ports/eventStore';

/** What settling a delivery came to (settleDelivery), or how it had been settled before (settledBefore). */
export interface Settled {
  bookingId?: string;
  applied: string[];
  orphan?: 'no_booking' | 'other_practice';
  /**
   * Someone settled it first (another instance, the resumer, a redelivery at the same time): nothing was
   * written on the delivery's stream, nor (one transaction) for the booking; a store that appends one
   * stream at a time may have written the booking's part (`applied`), which the booking dedupes anyway.
   */
  alreadySettled?: boolean;
  /** Settled as abandoned: never applied. */
  abandoned?: boolean;
}

export const NO_BOOKING = 'no booking of ours matches its booking_ref, uid or call_id';
export const OTHER_PRACTICE = 'the booking it names belongs to practice';

/** How a delivery was settled, from its stream's settling event; undefined while it holds its record alone. */
export const settledBefore = async (store: EventStore, deliveryId: string): Promise<Settled | undefined> => {
  const [, settling] = await store.readStream(webhookStreamId(deliveryId), { maxCount: 2 });
  return settledAs(settling);
};

/** What a delivery's settling event (the second of its stream, if any) says of how it was settled. */
export const settledAs = (settling: StoredEvent | undefined): Settled | undefined => {
  if (!settling) return undefined;
  const data = settling.data as { bookingId?: unknown; reason?: unknown };
  if (settling.type === 'CalcomWebhookRouted') return { bookingId: String(data.bookingId), applied: [], alreadySettled: true };
  if (settling.type === 'CalcomWebhookOrphaned') return { applied: [], orphan: String(data.reason).startsWith(OTHER_PRACTICE) ? 'other_practice' : 'no_booking', alreadySettled: true };
  return { applied: [], abandoned: true, alreadySettled: true };
};

/** The delivery's stream holds only its CalcomWebhookReceived: the one settling event is written at this version. */
export const UNSETTLED = 1;

/** What a write that another settler's event refused (a conflict on the delivery's stream) comes to. */
export const SETTLED_ELSEWHERE = Symbol('settled elsewhere');

/** `write`, unless someone settled the delivery first: then SETTLED_ELSEWHERE. */
export const unlessSettledElsewhere = async <T>(deliveryId: string, write: () => Promise<T>): Promise<T | typeof SETTLED_ELSEWHERE> => {
  try {
    return await write();
  } catch (error) {
    if (isConcurrencyError(error) && error.streamId === webhookStreamId(deliveryId)) return SETTLED_ELSEWHERE;
    throw error;
  }
};

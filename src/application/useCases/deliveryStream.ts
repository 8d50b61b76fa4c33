import { webhookStreamId } from '../../domain';
import type { Alongside } from '../bookingRepository';
import type { EventStore, NewEvent } from '../ports/eventStore';
import { UNSETTLED } from './settledDelivery';

export interface DeliveryStream {
  readonly streamId: string;
  /** The settling event's place beside a booking's decision: after it, with a record still pending before it. */
  withDecision(event: NewEvent): Alongside;
  /** The settling event alone (with a record still pending: both in one append). */
  alone(event: NewEvent): Promise<void>;
  /** Writes a record still pending on its own, before a step that may take long or write elsewhere. */
  recordFirst(): Promise<void>;
}

/**
 * A delivery's stream as its settler writes it: its one settling event at UNSETTLED, right after the record.
 * `unrecorded`: the record (CalcomWebhookReceived) is not written yet and goes into the same transaction
 * (only on a store that appends several streams at once), so the global order is the same as when it was
 * written first: record, decision, settling event. A conflict on the record means that another request
 * recorded the same delivery first.
 */
export const deliveryStream = (store: EventStore, deliveryId: string, unrecorded?: NewEvent): DeliveryStream => {
  const streamId = webhookStreamId(deliveryId);
  let pending = unrecorded;
  return {
    streamId,
    withDecision: (event) => ({
      before: pending ? [{ streamId, events: [pending], expectedVersion: 'no_stream' }] : [],
      after: [{ streamId, events: [event], expectedVersion: UNSETTLED }],
    }),
    alone: async (event) => {
      await store.appendToStream(streamId, pending ? [pending, event] : [event], { expectedVersion: pending ? 'no_stream' : UNSETTLED });
    },
    recordFirst: async () => {
      if (!pending) return;
      await store.appendToStream(streamId, [pending], { expectedVersion: 'no_stream' });
      pending = undefined;
    },
  };
};

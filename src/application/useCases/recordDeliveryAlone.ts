import { webhookStreamId } from '../../domain';
import { isConcurrencyError, type EventStore, type NewEvent } from '../ports/eventStore';
import { settledAs, type Settled } from './settledDelivery';

export interface RecordedAlone {
  /** 'duplicate': another request recorded the same delivery first (told by the record's id). */
  result: 'recorded' | 'duplicate';
  /** This call wrote the record (else it was there: a redelivery's, or this request's own from a settling that went on to fail). */
  wroteNow: boolean;
  /** How it was settled, when its stream was there and settled (read only when asked). */
  before?: Settled;
}

/**
 * A delivery's record (CalcomWebhookReceived, or Rejected/Ignored) written alone, as its stream's first
 * event. When the stream is there, `readBefore` reads it once: whose record it holds (`record.id`, so a
 * record this request wrote earlier, before a settling that then failed, is not taken for a redelivery)
 * and how it was settled.
 */
export const recordDeliveryAlone = async (store: EventStore, deliveryId: string, record: NewEvent, readBefore: boolean): Promise<RecordedAlone> => {
  const streamId = webhookStreamId(deliveryId);
  try {
    await store.appendToStream(streamId, [record], { expectedVersion: 'no_stream' });
    return { result: 'recorded', wroteNow: true };
  } catch (error) {
    if (!isConcurrencyError(error)) throw error;
  }
  if (!readBefore) return { result: 'duplicate', wroteNow: false };
  const [first, settling] = await store.readStream(streamId, { maxCount: 2 });
  const before = settledAs(settling);
  return { result: record.id !== undefined && first?.id === record.id ? 'recorded' : 'duplicate', wroteNow: false, ...(before && { before }) };
};

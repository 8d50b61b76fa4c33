import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  ErrorType,
  jsonEvent,
  type JSONType,
  type ReadPosition,
  type StreamingRead,
} from '@eventstore/db-client';
import { v4 as uuidv4 } from 'uuid';
import type { EventStore, StoredEvent, Subscription } from '../../../application/ports/eventStore';
import { toEsdbConnectionString } from './connectionString';
import { toConcurrencyError, toExpectedRevision } from './expectedVersion';
import { isSystemEvent, toStoredEvent } from './mapping';
import { decodeEsdbPosition, encodeEsdbPosition } from './positions';
import { esdbSubscription } from './subscription';

const DEFAULT_READ_ALL_COUNT = 1000;
const HEAD_PAGE_SIZE = 100;

const isStreamNotFound = (error: unknown): boolean =>
  error instanceof StreamNotFoundError ||
  (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === ErrorType.STREAM_NOT_FOUND);

/** Drains a read; cancels the gRPC call when the consumer stops early. */
const drain = async <E>(read: StreamingRead<E>, take: (item: E) => boolean | void): Promise<number> => {
  let seen = 0;
  let finished = false;
  try {
    for await (const item of read) {
      seen += 1;
      if (take(item) === false) return seen;
    }
    finished = true;
    return seen;
  } finally {
    if (!finished) await read.cancel().catch(() => undefined);
  }
};

/**
 * The event store on EventStoreDB / KurrentDB (`esdb://`, `kurrentdb://`, and their `+discover` forms).
 * `pollIntervalMs` is accepted for parity with the other adapters; subscriptions here are server-pushed.
 */
export const createEsdbEventStore = (connectionString: string, _options: { pollIntervalMs?: number } = {}): EventStore => {
  const client = EventStoreDBClient.connectionString(toEsdbConnectionString(connectionString));
  const subscriptions = new Set<Subscription>();

  const readStream: EventStore['readStream'] = async (streamId, { fromVersion, maxCount } = {}) => {
    if (maxCount !== undefined && maxCount <= 0) return [];
    const read = client.readStream(streamId, {
      direction: FORWARDS,
      fromRevision: fromVersion !== undefined && fromVersion > 1 ? BigInt(fromVersion - 1) : START,
      ...(maxCount !== undefined ? { maxCount } : {}),
    });
    const events: StoredEvent[] = [];
    try {
      await drain(read, (resolved) => {
        const event = toStoredEvent(resolved);
        if (event) events.push(event);
      });
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  };

  /**
   * `$all` reads are inclusive of `fromPosition` and the v6 client cannot filter them on the server, so this
   * pages until it has `maxCount` non-system events after `after` (or reaches the end of `$all`).
   */
  const readAll: EventStore['readAll'] = async ({ after, maxCount = DEFAULT_READ_ALL_COUNT } = {}) => {
    const events: StoredEvent[] = [];
    let from: ReadPosition = after ? decodeEsdbPosition(after) : START;
    let boundary = after;
    while (events.length < maxCount) {
      const requested = maxCount - events.length + (boundary === undefined ? 0 : 1);
      let lastPosition: string | undefined;
      const seen = await drain(client.readAll({ fromPosition: from, maxCount: requested, direction: FORWARDS }), (resolved) => {
        const event = toStoredEvent(resolved);
        if (!event) return;
        lastPosition = event.position;
        if (boundary !== undefined && event.position <= boundary) return;
        if (isSystemEvent(event)) return;
        events.push(event);
        return events.length < maxCount;
      });
      if (seen < requested || lastPosition === undefined || lastPosition === boundary) break;
      boundary = lastPosition;
      from = decodeEsdbPosition(lastPosition);
    }
    return events;
  };

  /** Walks `$all` backwards past the server's own events (`$stats-…`, `$metadata`, …) to the newest event of ours. */
  const headPosition: EventStore['headPosition'] = async () => {
    let from: ReadPosition = END;
    let boundary: string | undefined;
    for (;;) {
      let head: string | undefined;
      let lastPosition: string | undefined;
      const seen = await drain(client.readAll({ fromPosition: from, maxCount: HEAD_PAGE_SIZE, direction: BACKWARDS }), (resolved) => {
        const event = toStoredEvent(resolved);
        if (!event) return;
        lastPosition = event.position;
        if (boundary !== undefined && event.position >= boundary) return;
        if (isSystemEvent(event)) return;
        head = event.position;
        return false;
      });
      if (head !== undefined) return head;
      if (seen < HEAD_PAGE_SIZE || lastPosition === undefined || lastPosition === boundary) return undefined;
      boundary = lastPosition;
      from = decodeEsdbPosition(lastPosition);
    }
  };

  return {
    name: 'eventstoredb',

    appendToStream: async (streamId, events, { expectedVersion = 'any' } = {}) => {
      if (events.length === 0) throw new Error('appendToStream needs at least one event');
      const payload = events.map((event) =>
        jsonEvent({
          id: event.id ?? uuidv4(),
          type: event.type,
          data: event.data as JSONType,
          metadata: { ...event.metadata, schemaVersion: event.schemaVersion },
        }),
      );
      try {
        const result = await client.appendToStream(streamId, payload, { expectedRevision: toExpectedRevision(expectedVersion) });
        if (!result.position) throw new Error(`EventStoreDB returned no position for the append to ${streamId}`);
        return {
          nextExpectedVersion: Number(result.nextExpectedRevision) + 1,
          position: encodeEsdbPosition(result.position),
        };
      } catch (error) {
        throw toConcurrencyError(error, streamId, expectedVersion);
      }
    },

    readStream,
    readAll,
    headPosition,

    subscribe: (options) => {
      const subscription = esdbSubscription(client, options);
      const tracked: Subscription = {
        stop: async () => {
          subscriptions.delete(tracked);
          await subscription.stop();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },

    close: async () => {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await client.dispose();
    },
  };
};

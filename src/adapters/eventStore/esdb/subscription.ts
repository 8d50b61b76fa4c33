import { START, excludeSystemEvents, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import type { SubscribeOptions, Subscription } from '../../../application/ports/eventStore';
import { isSystemEvent, toStoredEvent } from './mapping';
import { decodeEsdbPosition } from './positions';
import { wakeableSleep as sleep } from '../wakeableSleep';

const INITIAL_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;


const quietly = async (subscription: AllStreamSubscription | undefined) => {
  try {
    await subscription?.unsubscribe();
  } catch {
    // the connection is already gone; nothing to cancel
  }
};

/**
 * A catch-up subscription to `$all` (system events filtered out on the server). Events are handled strictly
 * one at a time; after a failure it reports to `onError` and resubscribes from the last handled position,
 * backing off 100 ms × 1.5 up to 5 s.
 */
export const esdbSubscription = (client: EventStoreDBClient, options: SubscribeOptions): Subscription => {
  let position = options.after;
  let stopped = false;
  let current: AllStreamSubscription | undefined;
  const signal: { wake?: () => void } = {};

  const loop = (async () => {
    let backoffMs = INITIAL_BACKOFF_MS;
    while (!stopped) {
      let subscription: AllStreamSubscription | undefined;
      try {
        subscription = client.subscribeToAll({
          fromPosition: position ? decodeEsdbPosition(position) : START,
          filter: excludeSystemEvents(),
        });
        // Errors still reach the iterator; this only keeps a late error after unsubscribe from going unhandled.
        subscription.on('error', () => undefined);
        current = subscription;
        for await (const resolved of subscription) {
          if (stopped) break;
          const event = toStoredEvent(resolved);
          if (!event || isSystemEvent(event)) continue;
          // Subscription positions are exclusive already; this guards against a replayed boundary event.
          if (position !== undefined && event.position <= position) continue;
          await options.onEvent(event);
          position = event.position;
          backoffMs = INITIAL_BACKOFF_MS;
        }
      } catch (error) {
        if (!stopped) {
          try {
            options.onError?.(error);
          } catch {
            // a failing error reporter must not kill the subscription
          }
        }
      } finally {
        await quietly(subscription);
        current = undefined;
      }
      // Dropped by the server or failed: resubscribe from the last handled event after a pause.
      if (!stopped) {
        await sleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 1.5, MAX_BACKOFF_MS);
      }
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      signal.wake?.();
      await quietly(current);
      await loop;
    },
  };
};

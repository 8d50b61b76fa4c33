import type { ReadAllOptions, StoredEvent, SubscribeOptions, Subscription } from '../../application/ports/eventStore';
import { wakeableSleep as sleep } from './wakeableSleep';


/**
 * A catch-up subscription over `readAll`: reads batches after the last handled position,
 * hands each event to `onEvent` in order, and polls (or is woken by `nudge`) when caught up.
 */
export const pollingSubscription = (
  readAll: (options: ReadAllOptions) => Promise<StoredEvent[]>,
  options: SubscribeOptions,
  onNudge: (wake: () => void) => () => void,
): Subscription => {
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const batchSize = options.batchSize ?? 500;
  let position = options.after;
  let stopped = false;
  const signal: { wake?: () => void } = {};
  const unlisten = onNudge(() => signal.wake?.());

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        const batch = await readAll({ after: position, maxCount: batchSize });
        for (const event of batch) {
          if (stopped) return;
          await options.onEvent(event);
          position = event.position;
        }
        failures = 0;
        if (batch.length < batchSize && !stopped) await sleep(pollIntervalMs, signal);
      } catch (error) {
        failures += 1;
        options.onError?.(error);
        if (!stopped) await sleep(Math.min(pollIntervalMs * 2 ** failures, 5000), signal);
      }
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      unlisten();
      signal.wake?.();
      await loop;
    },
  };
};

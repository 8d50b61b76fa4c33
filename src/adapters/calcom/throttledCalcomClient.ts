import { createHash } from 'node:crypto';
import type { CalcomClient, CalcomUnreachable } from '../../application/ports/calcom';
import type { RateLimiter } from '../../application/ports/rateLimiter';

export interface ThrottleOptions {
  limiter: RateLimiter;
  /** The API key the bucket belongs to (only a hash of it is stored). */
  apiKey: string | undefined;
  /** Tokens reads must leave for creates and cancels, so that lookups never starve a booking. */
  keepForWrites: number;
  onThrottled?(operation: string): void;
  onTokens?(remaining: number): void;
}

const throttled = (): CalcomUnreachable => ({
  outcome: 'unreachable',
  reason: 'rate_limited',
  message: 'not sent: the Cal.com request budget of this API key is used up for the moment (local limiter)',
  latencyMs: 0,
});

/**
 * Every Cal.com call takes a token first, from one bucket per API key; without a token the call is not
 * sent and answers at once as rate limited (the caller hears a truthful "busy", never a long silence).
 * Reads leave `keepForWrites` tokens for creates, reschedules and cancels.
 */
export const throttledCalcomClient = (inner: CalcomClient, options: ThrottleOptions): CalcomClient => {
  const key = `calcom:${createHash('sha256').update(options.apiKey ?? 'no-key').digest('hex').slice(0, 16)}`;
  const gate = async <T>(operation: string, write: boolean, send: () => Promise<T>): Promise<T | CalcomUnreachable> => {
    const { taken, remaining } = await options.limiter.take(key, { keep: write ? 0 : options.keepForWrites });
    options.onTokens?.(remaining);
    if (!taken) {
      options.onThrottled?.(operation);
      return throttled();
    }
    return send();
  };
  return {
    createBooking: (input) => gate('create', true, () => inner.createBooking(input)),
    cancelBooking: (uid, reason) => gate('cancel', true, () => inner.cancelBooking(uid, reason)),
    rescheduleBooking: (input) => gate('reschedule', true, () => inner.rescheduleBooking(input)),
    getBooking: (uid) => gate('get', false, () => inner.getBooking(uid)),
    getSlots: (input) => gate('slots', false, () => inner.getSlots(input)),
    findBookings: (input) => gate('find', false, () => inner.findBookings(input)),
    getEventType: (id) => gate('event_type', false, () => inner.getEventType(id)),
  };
};

import type { CalcomClient, GetSlotsResult } from '../../application/ports/calcom';

interface Entry {
  eventTypeId: number;
  expiresAt: number;
  result: Extract<GetSlotsResult, { outcome: 'ok' }>;
}

/**
 * Free slots are asked for again and again during a call (availability, alternatives): each answer is
 * kept for `ttlMs` in this process. A slot that was just booked (or refused as taken) is dropped from
 * every cached list at once, so nobody is offered it from the cache.
 */
export const cachedSlotsCalcomClient = (inner: CalcomClient, ttlMs: number, now: () => number = Date.now): CalcomClient => {
  if (ttlMs <= 0) return inner;
  const cache = new Map<string, Entry>();
  const drop = (eventTypeId: number, start: string) => {
    const at = Date.parse(start);
    for (const entry of cache.values()) {
      if (entry.eventTypeId !== eventTypeId) continue;
      entry.result = { ...entry.result, slots: entry.result.slots.filter((slot) => Date.parse(slot) !== at) };
    }
  };
  return {
    ...inner,
    getSlots: async (input) => {
      const key = JSON.stringify([input.eventTypeId, input.start, input.end, input.timeZone]);
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now()) return hit.result;
      const result = await inner.getSlots(input);
      if (result.outcome === 'ok') {
        cache.set(key, { eventTypeId: input.eventTypeId, expiresAt: now() + ttlMs, result });
        for (const [k, entry] of cache) if (entry.expiresAt <= now()) cache.delete(k);
      }
      return result;
    },
    createBooking: async (input) => {
      const result = await inner.createBooking(input);
      if (result.outcome === 'answered' || result.outcome === 'rejected') drop(input.eventTypeId, input.start);
      return result;
    },
    rescheduleBooking: async (input) => {
      const result = await inner.rescheduleBooking(input);
      if (result.outcome === 'answered' || result.outcome === 'rejected') drop(input.eventTypeId, input.start);
      return result;
    },
  };
};

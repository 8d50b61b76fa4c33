import type { Booking } from './booking';
import type { BookingEvent } from './events';
import { factsOf } from './facts';

/**
 * Is this booking stuck: requested, no Cal.com answer recorded, for longer than the grace time (and not
 * taken up by a resumer within it)? Then nothing else will ever post it.
 */
export const isStuck = (state: Booking, graceMs: number, now: string): boolean => {
  if (state.status !== 'requested' || state.calcomAnswered || !state.requestedAt) return false;
  const at = Date.parse(now);
  if (at - Date.parse(state.requestedAt) < graceMs) return false;
  return !state.resume || at - Date.parse(state.resume.startedAt) >= graceMs;
};

/** Takes a stuck booking up again (the use case then asks Cal.com whether it holds it before any POST). */
export const startResume = ({ graceMs, trigger, now }: { graceMs: number; trigger: 'resumer' | 'retried_call'; now: string }, state: Booking): BookingEvent[] =>
  isStuck(state, graceMs, now) ? [{ type: 'BookingResumeStarted', data: { ...factsOf(state, now), attempt: (state.resume?.attempts ?? 0) + 1, trigger } }] : [];

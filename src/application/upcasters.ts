/**
 * Stored events are never rewritten. When an event's shape changes it gets a new schema version, and
 * an upcaster here turns every older version into the current one as it is read.
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** `<type>@<fromVersion>` → function producing version fromVersion + 1. */
export const upcasters: Record<string, Upcaster> = {
  // v1 requests recorded no trusted caller number: they stay reachable from their own call only.
  'BookingRequested@1': (data) => data,
  // v2 requests were all made for the one practice of the environment's settings.
  'BookingRequested@2': (data) => ({ practiceId: 'default', ...data }),
  // v1 failures did not say what kind of refusal a 4xx was: 'other' (nothing else was ever inferred from it).
  'CalcomRequestFailed@1': (data) => (data.reason === 'rejected' ? { refusal: 'other', ...data } : data),
  // v1 lookups were all made by the reconciler.
  'CalcomBookingLookedUp@1': (data) => ({ ...data, purpose: 'reconcile' }),
  // v2 lookups did not record where Cal.com said a found booking had moved: unknown (null), never guessed.
  'CalcomBookingLookedUp@2': (data) => (data.outcome === 'found' ? { rescheduledToUid: null, ...data } : data),
  // v1 confirmations all carried our metadata (the host-acceptance rule came with v2).
  'BookingConfirmedByWebhook@1': (data) => ({ ...data, via: 'metadata' }),
  // v1 reschedules were all BOOKING_RESCHEDULED (the new time was accepted).
  'BookingRescheduled@1': (data) => ({ ...data, awaitingHost: false }),
  // v1 deliveries did not record which practice's secret verified them: unknown (null), never guessed.
  'CalcomWebhookReceived@1': (data) => ({ ...data, from: null }),
};

export const upcast = (type: string, version: number, data: unknown, registry: Record<string, Upcaster> = upcasters): unknown => {
  let current = data as Record<string, unknown>;
  for (let v = version; registry[`${type}@${v}`]; v += 1) current = registry[`${type}@${v}`]!(current);
  return current;
};

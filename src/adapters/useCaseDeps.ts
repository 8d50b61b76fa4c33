import type { CalcomClient } from '../application/ports/calcom';
import type { EventStore } from '../application/ports/eventStore';
import type { Telemetry } from '../application/ports/telemetry';
import type { BookingLookup, UseCaseDeps, UseCaseHooks } from '../application/useCases/deps';
import type { SqlDatabase } from '../application/ports/sql';
import { cachedSlotsCalcomClient } from './calcom/cachedSlotsCalcomClient';
import { createCalcomHttpClient } from './calcom/calcomHttpClient';
import { throttledCalcomClient } from './calcom/throttledCalcomClient';
import { createSqlRateLimiter } from './sql/sqlRateLimiter';
import type { Config } from './config/config';
import type { Metrics } from './telemetry/metrics';

const succeeded = new Set(['answered', 'found', 'ok', 'cancelled']);

/**
 * The Cal.com client as configured: slots cached briefly, every call throttled by the API key's shared
 * token bucket (in `db`, the read-model database), latency and failures reported to the metrics.
 */
export const calcomClientFor = async (config: Config, db: SqlDatabase, metrics?: Metrics): Promise<CalcomClient> => {
  const http = calcomHttpClientFor(config, metrics);
  const limiter = await createSqlRateLimiter(db, { perMinute: config.CALCOM_RATE_LIMIT_PER_MINUTE, burst: config.CALCOM_RATE_LIMIT_BURST });
  const throttled = throttledCalcomClient(http, {
    limiter,
    apiKey: config.CALCOM_API_KEY,
    keepForWrites: Math.min(3, Math.floor(config.CALCOM_RATE_LIMIT_BURST / 3)),
    onThrottled: (operation) => metrics?.calcomThrottled.inc({ operation }),
    onTokens: (remaining) => metrics?.calcomRateLimitTokens.set(remaining),
  });
  return cachedSlotsCalcomClient(throttled, config.CALCOM_SLOTS_CACHE_MS);
};

const calcomHttpClientFor = (config: Config, metrics?: Metrics): CalcomClient =>
  createCalcomHttpClient({
    baseUrl: config.CALCOM_API_URL,
    apiKey: config.CALCOM_API_KEY,
    timeoutMs: config.CALCOM_TIMEOUT_MS,
    breaker: { consecutiveFailures: config.CALCOM_BREAKER_FAILURES, halfOpenAfterMs: config.CALCOM_BREAKER_HALF_OPEN_MS },
    onCall: ({ operation, outcome, reason, latencyMs }) => {
      metrics?.calcomLatency.observe({ operation, outcome }, latencyMs / 1000);
      if (!succeeded.has(outcome)) metrics?.calcomErrors.inc({ operation, reason: reason ?? outcome });
    },
  });

/** What every use case needs, from the configuration and the opened adapters. */
export const useCaseDepsFor = (
  config: Config,
  adapters: { store: EventStore; calcom: CalcomClient; telemetry: Telemetry; lookup?: BookingLookup; now?: () => Date; hooks?: UseCaseHooks },
): UseCaseDeps => ({
  hooks: adapters.hooks,
  store: adapters.store,
  calcom: adapters.calcom,
  telemetry: adapters.telemetry,
  lookup: adapters.lookup,
  now: adapters.now ?? (() => new Date()),
  settings: {
    eventTypeId: config.CALCOM_EVENT_TYPE_ID ?? 0,
    timeZone: config.BOOKING_TIMEZONE,
    placeholderEmailDomain: config.PLACEHOLDER_EMAIL_DOMAIN,
    confirmationWaitMs: config.CONFIRMATION_WAIT_MS,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    phoneRegion: config.DEFAULT_PHONE_REGION,
    horizonDays: config.BOOKING_HORIZON_DAYS,
    notesField: config.CALCOM_NOTES_FIELD,
    resumeAfterMs: config.RESUME_AFTER_MS,
  },
});

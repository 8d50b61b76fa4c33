import type { CalcomClient } from '../application/ports/calcom';
import type { EventStore } from '../application/ports/eventStore';
import type { Telemetry } from '../application/ports/telemetry';
import type { BookingLookup, BookingSettings, UseCaseDeps, UseCaseHooks } from '../application/useCases/deps';
import { DEFAULT_PRACTICE_ID, type Practice } from '../application/practice';
import type { CallStreamSummary, RecentCallStreams } from '../application/callStreamSummary';
import { createRecentStreams } from '../application/recentStreams';
import { rememberNotedBookings, type RecentBookings } from '../application/recentBookings';
import type { RateLimiter } from '../application/ports/rateLimiter';
import type { SqlDatabase } from '../application/ports/sql';
import { cachedSlotsCalcomClient } from './calcom/cachedSlotsCalcomClient';
import { createCalcomHttpClient } from './calcom/calcomHttpClient';
import { throttledCalcomClient } from './calcom/throttledCalcomClient';
import { createProcessRateLimiter } from './sql/processRateLimiter';
import { createSqlRateLimiter } from './sql/sqlRateLimiter';
import type { Config } from './config/config';
import type { Metrics } from './telemetry/metrics';

const succeeded = new Set(['answered', 'found', 'ok', 'cancelled']);

/**
 * A practice's Cal.com client: slots cached briefly, every call throttled by its API key's shared token
 * bucket (`limiter`, in the read-model database), latency and failures reported to the metrics.
 */
export const calcomClientFor = (config: Config, calcom: Practice['calcom'], limiter: RateLimiter, metrics?: Metrics): CalcomClient => {
  const http = createCalcomHttpClient({
    baseUrl: calcom.apiUrl,
    apiKey: calcom.apiKey,
    timeoutMs: config.CALCOM_TIMEOUT_MS,
    breaker: { consecutiveFailures: config.CALCOM_BREAKER_FAILURES, halfOpenAfterMs: config.CALCOM_BREAKER_HALF_OPEN_MS },
    onCall: ({ operation, outcome, reason, latencyMs }) => {
      metrics?.calcomLatency.observe({ operation, outcome }, latencyMs / 1000);
      if (!succeeded.has(outcome)) metrics?.calcomErrors.inc({ operation, reason: reason ?? outcome });
    },
  });
  const throttled = throttledCalcomClient(http, {
    limiter,
    apiKey: calcom.apiKey,
    keepForWrites: Math.min(3, Math.floor(config.CALCOM_RATE_LIMIT_BURST / 3)),
    onThrottled: (operation) => metrics?.calcomThrottled.inc({ operation }),
    onTokens: (remaining) => metrics?.calcomRateLimitTokens.set(remaining),
  });
  return cachedSlotsCalcomClient(throttled, config.CALCOM_SLOTS_CACHE_MS);
};

/**
 * The token buckets of all API keys (one table): on PostgreSQL shared by every instance, a statement a
 * take; on PGlite (one process) counted in the process and written back to the table.
 */
export const rateLimiterFor = (config: Config, db: SqlDatabase): Promise<RateLimiter> => {
  const options = { perMinute: config.CALCOM_RATE_LIMIT_PER_MINUTE, burst: config.CALCOM_RATE_LIMIT_BURST };
  return db.kind === 'pglite' ? createProcessRateLimiter(db, options) : createSqlRateLimiter(db, options);
};

/** A practice as the use cases see it; without one (nothing configured yet) an empty one that books nothing. */
export const settingsFor = (config: Config, practice: Practice | undefined): BookingSettings => ({
  practiceId: practice?.id ?? DEFAULT_PRACTICE_ID,
  services: practice?.services ?? [],
  eventTypeId: practice?.services[0]?.eventTypeId ?? 0,
  timeZone: practice?.timeZone ?? config.BOOKING_TIMEZONE,
  placeholderEmailDomain: practice?.placeholderEmailDomain ?? config.PLACEHOLDER_EMAIL_DOMAIN,
  confirmationWaitMs: config.CONFIRMATION_WAIT_MS,
  confirmationPollMs: config.CONFIRMATION_POLL_MS,
  defaultLanguage: practice?.language ?? config.DEFAULT_LANGUAGE,
  phoneRegion: practice?.phoneRegion ?? config.DEFAULT_PHONE_REGION,
  horizonDays: config.BOOKING_HORIZON_DAYS,
  notesField: config.CALCOM_NOTES_FIELD,
  resumeAfterMs: config.RESUME_AFTER_MS,
});

type Adapters = {
  store: EventStore;
  calcom: CalcomClient;
  telemetry: Telemetry;
  /** A practice's own telemetry (its metrics labelled with its id); the shared one otherwise. */
  telemetryFor?: (practiceId: string) => Telemetry;
  lookup?: BookingLookup;
  now?: () => Date;
  hooks?: UseCaseHooks;
  /** The process's memory of call streams (composeDeps makes one for all practices). */
  recentCalls?: RecentCallStreams;
  /** The process's memory of the booking states its appends left (composeDeps makes one). */
  recentBookings?: RecentBookings;
};

/** What every use case needs, for one practice (the default or first one, when none is given). */
export const useCaseDepsFor = (config: Config, adapters: Adapters, practice: Practice | undefined = config.practices[0]): UseCaseDeps => ({
  hooks: adapters.hooks,
  store: adapters.store,
  calcom: adapters.calcom,
  telemetry: (practice && adapters.telemetryFor?.(practice.id)) ?? adapters.telemetry,
  lookup: adapters.lookup,
  recentCalls: adapters.recentCalls,
  recentBookings: adapters.recentBookings,
  now: adapters.now ?? (() => new Date()),
  settings: settingsFor(config, practice),
});

/**
 * The use-case dependencies of every practice, each with its own Cal.com client and settings, all
 * sharing the store and telemetry; each knows the others (`forPractice`) for work that spans bookings.
 */
export const practiceDepsFor = (config: Config, adapters: Omit<Adapters, 'calcom'>, calcomOf: (practice: Practice) => CalcomClient): Map<string, UseCaseDeps> => {
  const all = new Map<string, UseCaseDeps>();
  const forPractice = (id: string) => all.get(id);
  for (const practice of config.practices) all.set(practice.id, { ...useCaseDepsFor(config, { ...adapters, calcom: calcomOf(practice) }, practice), forPractice });
  return all;
};

/**
 * Every practice's dependencies and the default one's (with nothing configured, an empty practice that
 * books nothing): one Cal.com client per practice unless `calcom` is given (tests).
 */
export const composeDeps = async (
  config: Config,
  adapters: Omit<Adapters, 'calcom'>,
  db: SqlDatabase,
  metrics?: Metrics,
  calcom?: CalcomClient,
): Promise<{ depsOf: Map<string, UseCaseDeps>; deps: UseCaseDeps }> => {
  const limiter = await rateLimiterFor(config, db);
  // One memory of call streams and booking states for every practice: the process's appends, whichever practice.
  const shared = {
    ...adapters,
    recentCalls: adapters.recentCalls ?? createRecentStreams<CallStreamSummary>(),
    recentBookings: adapters.recentBookings ?? rememberNotedBookings(adapters.store, Date.now),
  };
  const depsOf = practiceDepsFor(config, shared, (practice) => calcom ?? calcomClientFor(config, practice.calcom, limiter, metrics));
  const fallback = depsOf.get(DEFAULT_PRACTICE_ID) ?? (config.practices.length === 1 ? depsOf.get(config.practices[0]!.id) : undefined);
  const deps = fallback ?? {
    ...useCaseDepsFor(config, { ...shared, calcom: calcom ?? calcomClientFor(config, { apiUrl: config.CALCOM_API_URL, apiKey: config.CALCOM_API_KEY }, limiter, metrics) }, undefined),
    forPractice: (id: string) => depsOf.get(id),
  };
  return { depsOf, deps };
};

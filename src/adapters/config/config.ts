import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isPhoneRegion } from '../../application/phoneNumber';
import { DEFAULT_PRACTICE_ID, type Practice } from '../../application/practice';
import { loadPractices } from './practicesFile';

const optionalSecret = z.string().min(1).optional();
const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  EVENT_STORE_URL: z
    .string()
    .regex(/^(pglite|postgres|postgresql|esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\/.+/, 'must start with pglite://, postgres://, esdb:// or kurrentdb://')
    .default('pglite://./data/ledger'),
  /** Connections per PostgreSQL pool (the event store's, and the read model's when it is a database of its own); LISTEN takes one more. */
  PG_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  READ_MODEL_URL: z.string().regex(/^(pglite|postgres|postgresql):\/\/.+/, 'must start with pglite:// or postgres://').optional(),
  CALCOM_API_URL: z.url().default('https://api.cal.com/v2'),
  /** Several practices in one deployment (YAML or JSON; see practices.example.yaml). */
  PRACTICES_FILE: z.string().min(1).optional(),
  CALCOM_API_KEY: optionalSecret,
  CALCOM_EVENT_TYPE_ID: z.coerce.number().int().positive().optional(),
  CALCOM_TIMEOUT_MS: positiveMs(8000),
  CALCOM_BREAKER_FAILURES: z.coerce.number().int().positive().default(5),
  CALCOM_BREAKER_HALF_OPEN_MS: positiveMs(30_000),
  CALCOM_RATE_LIMIT_PER_MINUTE: z.coerce.number().positive().default(100),
  CALCOM_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(10),
  CALCOM_SLOTS_CACHE_MS: z.coerce.number().int().min(0).default(30_000),
  CALCOM_WEBHOOK_SECRET: optionalSecret,
  /** Check the event type at start (exists, not seated, required fields); false skips it. */
  CALCOM_CHECK_EVENT_TYPE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  CALCOM_NOTES_FIELD: z.string().regex(/^[\w-]{0,64}$/, 'must be a booking field slug such as notes, or empty').default('notes'),
  RETELL_API_KEY: optionalSecret,
  /**
   * Which peers may say, in X-Forwarded-For/-Proto/-Host, who the client is and how it came: express's
   * "trust proxy" (a comma list of addresses, subnets or loopback/linklocal/uniquelocal, a hop count, or
   * true/false). The default trusts proxies on this host and private networks, never a direct client.
   */
  TRUST_PROXY: z
    .string()
    .default('loopback, linklocal, uniquelocal')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  /** The service's public base URL (https://booking.example.org): absolute URLs in GET /retell/functions. */
  PUBLIC_BASE_URL: z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A console sign-in (browser session cookie) lasts this long, then the analyst signs in again. */
  ADMIN_SESSION_HOURS: z.coerce.number().positive().max(168).default(8),
  /** Failed and successful console sign-ins allowed per client address in 15 minutes. */
  ADMIN_SIGN_IN_LIMIT: z.coerce.number().int().positive().default(10),
  BOOKING_TIMEZONE: z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Berlin').default('Europe/Berlin'),
  DEFAULT_LANGUAGE: z.enum(['de', 'en']).default('de'),
  PLACEHOLDER_EMAIL_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain such as calls.example.org').default('calls.booking-ledger.invalid'),
  DEFAULT_PHONE_REGION: z
    .string()
    .transform((region) => region.toUpperCase())
    .refine(isPhoneRegion, 'must be a country code such as DE, AT, CH or GB')
    .default('DE'),
  BOOKING_HORIZON_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  CONFIRMATION_WAIT_MS: z.coerce.number().int().min(0).default(4000),
  /** A waiting request is woken by the append that settles it; this slow poll only covers a lost signal. */
  CONFIRMATION_POLL_MS: positiveMs(1000),
  RECONCILE_AFTER_MS: positiveMs(15 * 60_000),
  RECONCILE_INTERVAL_MS: positiveMs(60_000),
  /** A booking with no Cal.com answer recorded after this long is taken up again (longer than a POST can take). */
  RESUME_AFTER_MS: positiveMs(60_000),
  RESUME_INTERVAL_MS: positiveMs(15_000),
  /** The truth audit runs this often over the last AUDIT_LOOKBACK_MS; a "pending" older than RECONCILE_AFTER_MS unsettled is a finding. */
  AUDIT_INTERVAL_MS: positiveMs(300_000),
  AUDIT_LOOKBACK_MS: positiveMs(24 * 3_600_000),
  /** Test only (NODE_ENV=test): kill the process with SIGKILL at this point, to prove recovery. */
  TEST_CRASH_POINT: z.enum(['after_booking_requested', 'after_delivery_recorded']).optional(),
  PROJECTION_LAG_LIMIT_MS: positiveMs(30_000),
  /** The whole request (headers and body) must arrive within this; a trickled body is cut off. */
  HTTP_REQUEST_TIMEOUT_MS: positiveMs(30_000),
  HTTP_HEADERS_TIMEOUT_MS: positiveMs(10_000),
  /**
   * An idle keep-alive connection is closed after this. Longer than a load balancer's idle timeout (AWS
   * ALB, nginx: 60 s), or the balancer reuses a connection the service is closing and answers 502 for a
   * request the service never saw (Node's default of 5 s lost Cal.com webhooks that way in the bench).
   */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveMs(65_000),
  /**
   * How `serve` compiles PGlite's WebAssembly: `optimizing` (V8's optimizing compiler only, `--no-liftoff`)
   * or `tiered` (V8's default: a baseline compiler first, hot code optimized later). Measured on the
   * bench's closed-loop load: optimizing peaks 278–282 MiB instead of 341–354, 8–10 % less CPU a booking,
   * and starts in ~3 s instead of ~1 s (the whole module is compiled before the first query).
   */
  PGLITE_WASM_COMPILER: z.enum(['optimizing', 'tiered']).default('optimizing'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The settings, and every practice they describe (the environment's as `default`, and PRACTICES_FILE's). */
export type Config = z.infer<typeof schema> & { practices: Practice[] };

const requiredInProduction = ['RETELL_API_KEY', 'CALCOM_WEBHOOK_SECRET', 'CALCOM_API_KEY', 'CALCOM_EVENT_TYPE_ID', 'ADMIN_TOKEN'] as const;
/** With PRACTICES_FILE, the practices bring their own Cal.com settings. */
const requiredInProductionWithPractices = ['RETELL_API_KEY', 'ADMIN_TOKEN'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks every setting at once; one error names every bad or missing setting. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Also when other settings are bad, so that one message names everything to fix.
  const production = (parsed.success ? parsed.data.NODE_ENV : cleaned.NODE_ENV) === 'production';
  if (production) {
    for (const key of cleaned.PRACTICES_FILE ? requiredInProductionWithPractices : requiredInProduction) {
      if (cleaned[key] === undefined) problems.push(`${key}: required when NODE_ENV=production`);
    }
  }
  const practices = parsed.success ? loadPractices({ ...parsed.data, practices: [] }, env) : { practices: [], problems: [] };
  problems.push(...practices.problems);
  if (production) {
    // The environment's practice is covered by CALCOM_WEBHOOK_SECRET above.
    for (const p of practices.practices) if (!p.calcom.webhookSecret && p.id !== DEFAULT_PRACTICE_ID) problems.push(`PRACTICES_FILE: practice ${p.id}: calcom.webhookSecret is required when NODE_ENV=production`);
  }
  if (cleaned.TEST_CRASH_POINT !== undefined && cleaned.NODE_ENV !== 'test') problems.push('TEST_CRASH_POINT: only allowed when NODE_ENV=test');
  if (parsed.success && parsed.data.RESUME_AFTER_MS <= 3 * parsed.data.CALCOM_TIMEOUT_MS) {
    problems.push(`RESUME_AFTER_MS: must be longer than a create can take (3 x CALCOM_TIMEOUT_MS = ${3 * parsed.data.CALCOM_TIMEOUT_MS} ms), or a live request would be resumed twice`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return { ...parsed.data, practices: practices.practices };
};

/** Settings a development instance runs without, and what it does instead (logged at start-up). */
export const developmentGaps = (config: Config): string[] =>
  [
    !config.RETELL_API_KEY && 'RETELL_API_KEY unset: Retell function calls are accepted without a signature',
    !config.CALCOM_WEBHOOK_SECRET && 'CALCOM_WEBHOOK_SECRET unset: Cal.com webhooks are accepted without a signature',
    !config.ADMIN_TOKEN && 'ADMIN_TOKEN unset: read endpoints are open',
    !config.CALCOM_EVENT_TYPE_ID && 'CALCOM_EVENT_TYPE_ID unset: booking functions answer with an error until it is set',
    !config.CALCOM_API_KEY && 'CALCOM_API_KEY unset: Cal.com is called without authentication',
  ].filter((gap): gap is string => Boolean(gap));

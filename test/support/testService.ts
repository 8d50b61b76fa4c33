import { createHmac } from 'node:crypto';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { createSqlEventHistory } from '../../src/adapters/eventStore/postgres/sqlEventHistory';
import { loadConfig } from '../../src/adapters/config/config';
import { startService, type RunningService } from '../../src/adapters/service';
import type { SqlDatabase } from '../../src/adapters/sql/sqlDatabase';
import type { CalcomClient } from '../../src/application/ports/calcom';

export const CALCOM_BASE = 'https://cal.test';
export const RETELL_KEY = 'key_retell_test_0123456789';
export const WEBHOOK_SECRET = 'whsec_test_0123456789';
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

export const signRetell = (body: string, key = RETELL_KEY, timestamp = Date.now()) =>
  `v=${timestamp},d=${createHmac('sha256', key).update(body + timestamp).digest('hex')}`;
export const signCalcom = (body: string, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(body).digest('hex');

/** A clock the test moves; the service reads it for every event's time. */
export const testClock = (startIso: string) => {
  let now = Date.parse(startIso);
  return { now: () => new Date(now), set: (iso: string) => void (now = Date.parse(iso)), advance: (ms: number) => void (now += ms) };
};

export interface TestService {
  service: RunningService;
  url: string;
  db: SqlDatabase;
  logs: string[];
  /** `practice`: through the /p/<practice>/ routes. */
  callFunction(name: string, body: unknown, options?: { signature?: string | null; raw?: string; practice?: string }): Promise<{ status: number; json: any }>;
  /** `secret`: the practice's webhook secret; `practice`: through /p/<practice>/webhooks/calcom. */
  sendWebhook(body: unknown, options?: { signature?: string | null; raw?: string; practice?: string; secret?: string }): Promise<{ status: number; json: any }>;
  get(path: string, options?: { token?: string | null; accept?: string }): Promise<{ status: number; json: any; text: string }>;
  stop(): Promise<void>;
}

/** The real service on a real listening port, on the given database; Cal.com is whatever nock says. */
export const startTestService = async (
  openDb: () => Promise<SqlDatabase>,
  options: { env?: Record<string, string>; now?: () => Date; calcom?: CalcomClient } = {},
): Promise<TestService> => {
  const db = await openDb();
  const eventStore = await createPostgresEventStore(db, { pollIntervalMs: 20 });
  const stores = { eventStore, readModel: db, history: createSqlEventHistory(db), eventsDb: db, close: async () => undefined };
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    CALCOM_API_URL: `${CALCOM_BASE}/v2`,
    CALCOM_API_KEY: 'cal_test_key',
    CALCOM_EVENT_TYPE_ID: '2563193',
    CALCOM_TIMEOUT_MS: '1500',
    RETELL_API_KEY: RETELL_KEY,
    CALCOM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ADMIN_TOKEN,
    CONFIRMATION_WAIT_MS: '400',
    // Tests book in 2031 on the real clock: a ten-year horizon (the 365-day default has its own test).
    BOOKING_HORIZON_DAYS: '3650',
    // Most tests are not about the limiter or the slot cache (both have tests of their own).
    CALCOM_RATE_LIMIT_PER_MINUTE: '1000000',
    CALCOM_RATE_LIMIT_BURST: '100000',
    CALCOM_SLOTS_CACHE_MS: '0',
    CALCOM_CHECK_EVENT_TYPE: 'false',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
  const service = await startService({ config, stores, logger, now: options.now, calcom: options.calcom });
  const url = service.url;

  const post = async (path: string, raw: string, headers: Record<string, string>) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };

  return {
    service,
    url,
    db,
    logs,
    callFunction: (name, body, { signature, raw, practice } = {}) => {
      const text = raw ?? JSON.stringify(body);
      const sig = signature === undefined ? signRetell(text) : signature;
      return post(`${practice ? `/p/${practice}` : ''}/retell/functions/${name}`, text, sig === null ? {} : { 'x-retell-signature': sig });
    },
    sendWebhook: (body, { signature, raw, practice, secret } = {}) => {
      const text = raw ?? JSON.stringify(body);
      const sig = signature === undefined ? signCalcom(text, secret) : signature;
      return post(`${practice ? `/p/${practice}` : ''}/webhooks/calcom`, text, sig === null ? {} : { 'x-cal-signature-256': sig });
    },
    get: async (path, { token = ADMIN_TOKEN, accept = 'application/json' } = {}) => {
      const response = await fetch(`${url}${path}`, { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
    stop: async () => {
      await service.stop();
      await eventStore.close();
      await db.close();
    },
  };
};

/**
 * Polls until `check` returns a truthy value (projections and webhooks are asynchronous), every `everyMs`
 * (25 ms); past `timeoutMs` it fails naming `what` when given. 15 s by default, as everythingVisible: on the
 * shared PostgreSQL another file's open write transaction holds every projection back, and 5 s ran out
 * for a read-model wait in a clean-clone CI run on a loaded host (incident.test.ts).
 */
export const eventually = async <T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, { what, everyMs = 25 }: { what?: string; everyMs?: number } = {}): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(what ? `Condition not met in time: ${what} (${timeoutMs} ms)` : 'Condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
